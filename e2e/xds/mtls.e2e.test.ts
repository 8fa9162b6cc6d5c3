// A real Envoy that cannot authenticate to the xDS server gets no configuration: without a client
// certificate, or with one issued by another CA.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { describe, it } from "mocha";
import { generateCertificates } from "../../operator/certgen/index.js";
import { useTestBed, waitFor, type EnvoyBootstrap } from "../harness/index.js";
import { startXdsSide, worldFor } from "./xds-bed.js";

type Json = Record<string, unknown>;

/** The common_tls_context of the bootstrap's xDS cluster. */
function xdsTlsContext(bootstrap: EnvoyBootstrap): Json {
  const clusters = (bootstrap["static_resources"] as { clusters: Json[] }).clusters;
  const socket = clusters[0]?.["transport_socket"] as { typed_config: { common_tls_context: Json } };
  return socket.typed_config.common_tls_context;
}

describe("xDS server with Envoy: mTLS refuses unauthenticated Envoys", function () {
  const ctx = useTestBed({ kubernetes: false, backends: ["blue"] });

  async function expectRefused(name: string, change: (bootstrap: EnvoyBootstrap) => void): Promise<void> {
    const { xds, bootstrap } = await startXdsSide(ctx.bed, "delta", (listenerPort) => worldFor(listenerPort, ctx.bed.backends, { "/": "blue" }));
    change(bootstrap);
    const envoy = await ctx.bed.startEnvoy({ bootstrap, name, waitUntil: "admin" });
    // Evidence that Envoy tried and failed, rather than a bare wait: its TLS failures to the xDS cluster.
    await waitFor(
      async () => {
        const stats = await envoy.admin.stats("^cluster\\.contour\\.(upstream_cx_connect_fail|ssl\\.connection_error|upstream_cx_destroy_remote_with_active_rq|upstream_rq_rx_reset)$");
        return [...stats.values()].reduce((a, b) => a + b, 0) >= 2;
      },
      { timeoutMs: 20_000, description: `${name}'s connections to the xDS server to fail` },
    );
    assert.equal(await envoy.admin.stat("control_plane.connected_state"), 0, `${name} is not connected`);
    assert.deepEqual(await envoy.admin.listeners(), [], `${name} got no listener`);
    assert.deepEqual(xds.server.streams(), [], "the server has no stream from it");
    await envoy.stop();
  }

  it("gives an Envoy without a client certificate nothing", async function () {
    this.timeout(60_000);
    await expectRefused("envoy-no-cert", (bootstrap) => {
      delete xdsTlsContext(bootstrap)["tls_certificates"];
    });
  });

  it("gives an Envoy whose certificate another CA issued nothing", async function () {
    this.timeout(60_000);
    const other = await generateCertificates({ namespace: "projectcontour", lifetimeDays: 1 });
    const cert = ctx.bed.runDir.file("other-envoy.crt");
    const key = ctx.bed.runDir.file("other-envoy.key");
    writeFileSync(cert, other.envoyCert);
    writeFileSync(key, other.envoyKey);
    await expectRefused("envoy-other-ca", (bootstrap) => {
      xdsTlsContext(bootstrap)["tls_certificates"] = [{ certificate_chain: { filename: cert }, private_key: { filename: key } }];
    });
  });
});
