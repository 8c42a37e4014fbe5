/**
 * TLS in every mode. Without a configured certificate, a self-signed one is made on
 * first start and kept in the data directory; its SHA-256 fingerprint is printed so
 * clients can pin it.
 */
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generate } from "selfsigned";

export interface TlsMaterial {
  key: string;
  cert: string;
  fingerprint256: string;
  selfSigned: boolean;
  certFile: string;
}

export async function loadTls(opts: { certFile: string; keyFile: string; dataDir: string }): Promise<TlsMaterial> {
  if (opts.certFile || opts.keyFile) {
    if (!opts.certFile || !opts.keyFile) throw new Error("config: [tls] cert_file and key_file must be set together");
    const cert = readFileSync(opts.certFile, "utf8");
    return { key: readFileSync(opts.keyFile, "utf8"), cert, fingerprint256: new X509Certificate(cert).fingerprint256, selfSigned: false, certFile: opts.certFile };
  }
  const certFile = path.join(opts.dataDir, "tls.crt");
  const keyFile = path.join(opts.dataDir, "tls.key");
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    const notAfterDate = new Date(Date.now() + 825 * 86_400_000);
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notAfterDate,
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] },
      ],
    });
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    writeFileSync(certFile, pems.cert, { mode: 0o600 });
  }
  const cert = readFileSync(certFile, "utf8");
  return { key: readFileSync(keyFile, "utf8"), cert, fingerprint256: new X509Certificate(cert).fingerprint256, selfSigned: true, certFile };
}
