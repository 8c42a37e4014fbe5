import type { Metadata } from "next";
import { ApiReference, type OpenApiDocument } from "@/components/api-reference/api-reference";
// The committed document, which a test keeps equal to the one the server serves.
import document from "@/openapi.json";

export const metadata: Metadata = { title: "API reference" };

export default function Page() {
  return <ApiReference doc={document as unknown as OpenApiDocument} />;
}
