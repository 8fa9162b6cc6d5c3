// The ops server with the config file's metrics.contour TLS: HTTPS, and with a CA, only clients whose
// certificate that CA signed get /metrics.
import assert from "node:assert/strict";
import { request } from "node:https";
import { generateCertificates, type GeneratedCertificates } from "../certgen/index.js";
import { createNullLogger } from "../log.js";
import { createMetricsRegistry } from "./metrics-registry.js";
import { createOpsServer, type OpsServer } from "./ops-server.js";

function fetchTls(port: number, path: string, client: { ca: string; cert?: string; key?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, ...client }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("createOpsServer with TLS", () => {
  let certs: GeneratedCertificates;
  let foreign: GeneratedCertificates;
  const servers: OpsServer[] = [];
  const start = async (tls: { cert: Buffer; key: Buffer; ca?: Buffer }): Promise<number> => {
    const server = createOpsServer({ address: "127.0.0.1", port: 0, registry: createMetricsRegistry(), log: createNullLogger(), healthCheck: async () => true, tls });
    servers.push(server);
    return server.start();
  };
  before(async () => {
    [certs, foreign] = await Promise.all([
      generateCertificates({ namespace: "projectcontour", lifetimeDays: 1, ipAddresses: ["127.0.0.1"] }),
      generateCertificates({ namespace: "projectcontour", lifetimeDays: 1, ipAddresses: ["127.0.0.1"] }),
    ]);
  });
  after(() => Promise.all(servers.map((s) => s.stop())));

  it("serves /metrics over HTTPS with the given certificate", async () => {
    const port = await start({ cert: Buffer.from(certs.contourCert), key: Buffer.from(certs.contourKey) });
    assert.equal(await fetchTls(port, "/metrics", { ca: certs.caCert }), 200);
  });

  it("with a CA, answers a client with a certificate it signed and refuses one without or from another CA", async () => {
    const port = await start({ cert: Buffer.from(certs.contourCert), key: Buffer.from(certs.contourKey), ca: Buffer.from(certs.caCert) });
    assert.equal(await fetchTls(port, "/metrics", { ca: certs.caCert, cert: certs.envoyCert, key: certs.envoyKey }), 200);
    await assert.rejects(fetchTls(port, "/metrics", { ca: certs.caCert }));
    await assert.rejects(fetchTls(port, "/metrics", { ca: certs.caCert, cert: foreign.envoyCert, key: foreign.envoyKey }));
  });
});
