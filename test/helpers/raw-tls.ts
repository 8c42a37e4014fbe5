/**
 * Raw HTTP/1.x over TLS (node:tls): sends exact bytes, so tests can send what no HTTP
 * client would (asterisk-form, bad chunking, oversized headers), and reads back the first
 * response head and body as the server wrote them.
 */
import { connect } from "node:tls";

export interface RawReply {
  /** 0 when the server closed the connection without answering. */
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Whether the server closed the connection after answering. */
  closed: boolean;
}

export function rawExchange(port: number, ca: Buffer, bytes: string | Buffer, timeoutMs = 10_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, ca, servername: "localhost" });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(Buffer.concat(chunks).toString("latin1"), closed));
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once("secureConnect", () => {
      // A server may answer and close before it has read everything; that is not an error here.
      socket.write(bytes, () => {});
    });
    socket.on("data", (d: Buffer) => {
      chunks.push(d);
      const reply = parse(Buffer.concat(chunks).toString("latin1"), false);
      if (reply.status && Buffer.byteLength(reply.body, "latin1") >= Number(reply.headers["content-length"] ?? Infinity)) {
        // The whole answer is in; give the close that should follow time to arrive (a loaded CI machine is slow).
        setTimeout(() => finish(socket.readableEnded), 1_500);
      }
    });
    socket.on("end", () => finish(true));
    socket.on("close", () => finish(true));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNRESET" || err.code === "EPIPE") finish(true);
      else if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(err);
      }
    });
  });
}

function parse(text: string, closed: boolean): RawReply {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return { status: 0, headers: {}, body: "", closed };
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? "")?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers["content-length"] ?? NaN);
  const rest = text.slice(end + 4);
  return { status, headers, body: Number.isFinite(length) ? rest.slice(0, length) : rest, closed };
}
