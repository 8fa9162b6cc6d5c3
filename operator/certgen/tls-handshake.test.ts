// The generated certificates on the wire: contour serving mTLS (TLS 1.3), Envoy's client certificate accepted,
// certificates from another CA refused.
import { strict as assert } from "node:assert";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { generateCertificates, type GeneratedCertificates } from "./index.js";

/** Polls `condition` until it holds or 2 s have passed (the server may log its side of a refusal after the client). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

interface Outcome {
  readonly ok: boolean;
  readonly received: string;
  readonly protocol: string | null;
  readonly error?: string;
}

describe("operator/certgen: mTLS handshake", () => {
  let certs: GeneratedCertificates;
  let foreign: GeneratedCertificates;
  let server: tls.Server;
  let port: number;
  const peers: string[] = [];
  const clientErrors: string[] = [];

  before(async () => {
    [certs, foreign] = await Promise.all([
      generateCertificates({ namespace: "projectcontour", lifetimeDays: 1 }),
      generateCertificates({ namespace: "projectcontour", lifetimeDays: 1 }),
    ]);
    server = tls.createServer(
      {
        key: certs.contourKey,
        cert: certs.contourCert,
        ca: certs.caCert,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: "TLSv1.3",
        ALPNProtocols: ["h2"],
      },
      (socket) => {
        peers.push(String(socket.getPeerCertificate().subject.CN));
        socket.end("hello envoy");
      },
    );
    server.on("tlsClientError", (err) => clientErrors.push(err.message));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.close();
    await once(server, "close");
  });

  beforeEach(() => {
    peers.length = 0;
    clientErrors.length = 0;
  });

  /** Connects as Envoy would (SNI contour, ALPN h2) and reads until the server closes or the handshake fails. */
  async function connect(options: { cert?: string; key?: string; ca: string; servername?: string }): Promise<Outcome> {
    return new Promise((resolve) => {
      let received = "";
      let protocol: string | null = null;
      const socket = tls.connect({ host: "127.0.0.1", port, servername: "contour", ALPNProtocols: ["h2"], ...options });
      socket.on("secureConnect", () => (protocol = socket.getProtocol()));
      socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
      socket.on("end", () => resolve({ ok: true, received, protocol }));
      socket.on("error", (err) => resolve({ ok: false, received, protocol, error: err.message }));
    });
  }

  it("accepts Envoy's client certificate over TLS 1.3", async () => {
    const outcome = await connect({ cert: certs.envoyCert, key: certs.envoyKey, ca: certs.caCert });
    assert.deepEqual(outcome, { ok: true, received: "hello envoy", protocol: "TLSv1.3" });
    assert.deepEqual(peers, ["envoy"]);
  });

  // In TLS 1.3 the client finishes its side of the handshake before the server has checked the client's
  // certificate, so a refusal shows as an alert or a close with no data, and as a tlsClientError on the server.
  it("refuses a client certificate from another CA", async () => {
    const outcome = await connect({ cert: foreign.envoyCert, key: foreign.envoyKey, ca: certs.caCert });
    assert.equal(outcome.received, "");
    assert.deepEqual(peers, []);
    // node:tls drops such a client without a reason ("socket hang up"), unlike a missing certificate.
    await until(() => clientErrors.length > 0);
    assert.equal(clientErrors.length, 1);
  });

  it("refuses a client without a certificate", async () => {
    const outcome = await connect({ ca: certs.caCert });
    assert.equal(outcome.received, "");
    assert.deepEqual(peers, []);
    await until(() => clientErrors.length > 0);
    assert.match(clientErrors.join("\n"), /certificate/i);
  });

  it("refuses contour's serving certificate as a client certificate (no clientAuth usage)", async () => {
    const outcome = await connect({ cert: certs.contourCert, key: certs.contourKey, ca: certs.caCert });
    assert.equal(outcome.received, "");
    assert.deepEqual(peers, []);
  });

  it("lets Envoy refuse a server whose certificate is from another CA", async () => {
    const outcome = await connect({ cert: certs.envoyCert, key: certs.envoyKey, ca: foreign.caCert });
    assert.equal(outcome.ok, false);
    assert.match(outcome.error ?? "", /certificate/i);
  });

  it("lets Envoy refuse a server name the certificate does not carry", async () => {
    const outcome = await connect({ cert: certs.envoyCert, key: certs.envoyKey, ca: certs.caCert, servername: "envoy" });
    assert.equal(outcome.ok, false);
    assert.match(outcome.error ?? "", /altnames|Hostname/i);
  });
});
