import NextAuth from "next-auth";
import { authOptions } from "@/server/console/auth-options";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

// Options are built per request: NEXTAUTH_SECRET is set by the server at start-up, after this module may have loaded.
function handler(req: Request, context: Context) {
  return NextAuth(req as never, context as never, authOptions());
}

export { handler as GET, handler as POST };
