/**
 * Syslog transports. TCP keeps one connection, opens it again after any error, and
 * reports a batch sent only once the kernel took every byte; UDP sends one datagram
 * per message (UDP itself cannot tell whether a collector received it).
 */
import dgram from "node:dgram";
import net from "node:net";
import { octetCounted } from "./format";

export interface SyslogTransport {
  send(messages: string[]): Promise<void>;
  close(): void;
}

const CONNECT_TIMEOUT_MS = 5_000;
const WRITE_TIMEOUT_MS = 10_000;

export function parseSyslogAddress(address: string): { protocol: "udp" | "tcp"; host: string; port: number } {
  const m = /^(udp|tcp):\/\/([^:/]+):(\d+)$/.exec(address);
  if (!m) throw new Error(`syslog address "${address}" is not udp://host:port or tcp://host:port`);
  return { protocol: m[1] as "udp" | "tcp", host: m[2]!, port: Number(m[3]) };
}

export function createTransport(address: string): SyslogTransport {
  const { protocol, host, port } = parseSyslogAddress(address);
  return protocol === "udp" ? new UdpTransport(host, port) : new TcpTransport(host, port);
}

class UdpTransport implements SyslogTransport {
  private socket: dgram.Socket | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async send(messages: string[]): Promise<void> {
    const socket = (this.socket ??= dgram.createSocket(net.isIPv6(this.host) ? "udp6" : "udp4"));
    socket.unref();
    for (const m of messages) {
      await new Promise<void>((resolve, reject) => socket.send(Buffer.from(m, "utf8"), this.port, this.host, (err) => (err ? reject(err) : resolve())));
    }
  }

  close(): void {
    this.socket?.close();
    this.socket = null;
  }
}

class TcpTransport implements SyslogTransport {
  private socket: net.Socket | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async send(messages: string[]): Promise<void> {
    const socket = this.socket ?? (await this.connect());
    const frames = Buffer.concat(messages.map(octetCounted));
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          socket.write(frames, (err) => (err ? reject(err) : resolve()));
        }),
        WRITE_TIMEOUT_MS,
        "syslog write timed out",
      );
    } catch (err) {
      this.drop();
      throw err;
    }
    if (socket.destroyed) {
      this.drop();
      throw new Error("syslog connection closed");
    }
  }

  close(): void {
    this.drop();
  }

  private drop(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private async connect(): Promise<net.Socket> {
    const socket = net.connect({ host: this.host, port: this.port });
    socket.setKeepAlive(true, 30_000);
    socket.setNoDelay(true);
    try {
      await withTimeout(
        new Promise<void>((resolve, reject) => {
          socket.once("connect", resolve);
          socket.once("error", reject);
        }),
        CONNECT_TIMEOUT_MS,
        "syslog connect timed out",
      );
    } catch (err) {
      socket.destroy();
      throw err;
    }
    // A collector that goes away is noticed here; the next send connects again.
    const forget = () => {
      if (this.socket === socket) this.socket = null;
    };
    socket.on("error", forget);
    socket.on("close", forget);
    // Collectors do not answer; anything they send is read and dropped.
    socket.resume();
    socket.unref();
    this.socket = socket;
    return socket;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
