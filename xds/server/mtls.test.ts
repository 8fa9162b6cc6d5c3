// Feature tests of the server's mTLS: who may connect, and certificate rotation without restart.
import { strict as assert } from "node:assert";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { generateCertificates, type GeneratedCertificates } from "../../operator/certgen/index.js";
import { TypeUrl } from "../resources.js";
import { startTestServer, type TestServer } from "./testing/server.js";
import { sotwRequest, world } from "./testing/streams.js";
import { createXdsTestClient, type ClientTls } from "./testing/xds-client.js";

const clientTls = (certs: GeneratedCertificates, identity: GeneratedCertificates = certs): ClientTls => ({
  ca: Buffer.from(certs.caCert),
  cert: Buffer.from(identity.envoyCert),
  key: Buffer.from(identity.envoyKey),
});

// What a raw TLS client sees. With TLS 1.3 the client finishes its side of the handshake first;
// the server's verdict follows: an alert when no certificate is sent (OpenSSL refuses), or the
// connection closed before any HTTP/2 byte when the certificate does not verify (Node refuses).
function handshakeOutcome(port: number, tls: Partial<ClientTls>): Promise<{ error?: string; bytes: number }> {
  return new Promise((resolve) => {
    let bytes = 0;
    const socket = connect({ host: "127.0.0.1", port, servername: "localhost", ca: tls.ca, cert: tls.cert, key: tls.key, ALPNProtocols: ["h2"] });
    socket.on("data", (d: Buffer) => (bytes += d.length));
    socket.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message, bytes }));
    socket.on("close", () => resolve({ bytes }));
    socket.on("secureConnect", () => socket.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
  });
}

async function sotwWorks(target: string, tls: ClientTls): Promise<boolean> {
  const client = createXdsTestClient(target, tls);
  const call = client.sotw();
  try {
    call.send(sotwRequest(TypeUrl.cluster));
    return (await call.next(3000)).resources.length === 1;
  } catch {
    return false;
  } finally {
    call.cancel();
    client.close();
  }
}

describe("xDS server mTLS", function () {
  this.timeout(20_000);
  let dir: string;
  let first: GeneratedCertificates;
  let second: GeneratedCertificates;
  let t: TestServer;
  const files = () => ({ caFile: join(dir, "ca.crt"), certFile: join(dir, "tls.crt"), keyFile: join(dir, "tls.key") });
  const install = async (certs: GeneratedCertificates): Promise<void> => {
    await writeFile(files().caFile, certs.caCert);
    await writeFile(files().certFile, certs.contourCert);
    await writeFile(files().keyFile, certs.contourKey);
  };

  before(async () => {
    const [a, b] = await Promise.all([1, 2].map(() => generateCertificates({ namespace: "projectcontour", lifetimeDays: 1 })));
    first = a!;
    second = b!;
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "xds-mtls-"));
    await install(first);
    t = await startTestServer({ tls: { ...files(), reloadIntervalMs: 60_000 } });
    t.cache.set(world({ clusters: ["a"] }));
  });
  afterEach(async () => {
    await t.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves a client with a certificate from the CA", async () => {
    assert.equal(await sotwWorks(t.target, clientTls(first)), true);
  });

  it("refuses a client without a certificate at the handshake", async () => {
    const outcome = await handshakeOutcome(t.port, { ca: Buffer.from(first.caCert) });
    assert.match(outcome.error ?? "", /CERTIFICATE_REQUIRED/);
    assert.equal(outcome.bytes, 0);
    assert.equal(await sotwWorks(t.target, { ca: Buffer.from(first.caCert) }), false);
    assert.equal(t.server.streams().length, 0);
  });

  it("refuses a client whose certificate comes from another CA", async () => {
    const outcome = await handshakeOutcome(t.port, { ca: Buffer.from(first.caCert), cert: Buffer.from(second.envoyCert), key: Buffer.from(second.envoyKey) });
    assert.equal(outcome.bytes, 0, "not a byte of HTTP/2 from the server");
    const refused = t.logs.records.find((r) => r["msg"] === "xDS client failed the TLS handshake");
    assert.match(String(refused?.["reason"]), /UNABLE_TO_VERIFY|SIGNATURE|ISSUER/);
    assert.equal(await sotwWorks(t.target, clientTls(first, second)), false);
  });

  it("refuses TLS 1.2", async () => {
    const tls = clientTls(first);
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: t.port, servername: "localhost", ca: tls.ca, cert: tls.cert, key: tls.key, maxVersion: "TLSv1.2" });
      socket.on("error", resolve);
    });
    assert.match(err.code ?? err.message, /PROTOCOL_VERSION|VERSION/);
  });

  it("picks up rotated certificates without a restart", async () => {
    await install(second);
    assert.equal(await t.server.reloadCertificates(), true);
    assert.equal(await sotwWorks(t.target, clientTls(second)), true);
    assert.equal(await sotwWorks(t.target, clientTls(first)), false, "the old CA is no longer trusted");
    assert.equal(await t.server.reloadCertificates(), false, "nothing changed since");
  });

  it("keeps the current certificates when the new files are broken", async () => {
    await writeFile(files().keyFile, second.contourKey); // does not match tls.crt
    assert.equal(await t.server.reloadCertificates(), false);
    assert.equal(await sotwWorks(t.target, clientTls(first)), true);
  });
});
