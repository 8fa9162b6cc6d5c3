// Upstream Contour's defaults a client notices, and the config-file keys that change them, through a
// real Envoy: gzip compression, merged slashes, 421 for a Host other than the SNI host, the Server
// header, and trusted X-Forwarded-For hops. The second block starts contour with an upstream-format
// config file (compression.algorithm, disableMergeSlashes, serverHeaderTransformation,
// network.num-trusted-hops, policy with applyToIngress).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "mocha";
import { applyEndpointSlice, createIngress, createService, createTlsSecret, ensureNamespace, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack, type Stack } from "../fixtures/stack.js";
import { httpGet, waitFor, type BackendReply, type HttpResponse } from "../harness/index.js";

const NS = "settings";

/** A plain-HTTP Ingress for `host` to the bed's first pod. */
async function plainApp(stack: Stack, host: string): Promise<void> {
  const { bed, kube } = stack;
  await ensureNamespace(kube, NS);
  await createService(kube, NS, "app", [{ port: 80 }]);
  await applyEndpointSlice(kube, NS, "app", undefined, [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
  await createIngress(kube, NS, "plain", simpleIngressSpec(host, "app", 80));
  await stack.waitForHttp(host, "/", (r) => r.status === 200, `${host} to answer 200`);
}

function reply(res: HttpResponse): BackendReply {
  assert.equal(res.status, 200, res.body.slice(0, 200));
  return JSON.parse(res.body) as BackendReply;
}

describe("Envoy settings: upstream's defaults", function () {
  const ctx = useStack({ pods: ["app-1"] });

  it("compresses with gzip when the client accepts it, and only then", async () => {
    await plainApp(ctx.stack, "plain.example.com");
    const gzip = await ctx.stack.http("plain.example.com", "/", { headers: { "accept-encoding": "gzip" } });
    assert.equal(gzip.status, 200);
    assert.equal(gzip.headers["content-encoding"], "gzip");
    const identity = await ctx.stack.http("plain.example.com", "/");
    assert.equal(identity.headers["content-encoding"], undefined);
  });

  it("routes a Host with a port to the host without it (ignore_port_in_host_matching)", async () => {
    assert.equal(reply(await ctx.stack.http("plain.example.com:8080", "/with-port")).path, "/with-port");
    assert.equal(reply(await ctx.stack.http("PLAIN.example.com:1", "/with-port")).path, "/with-port");
  });

  it("merges adjacent slashes before the backend sees the path", async () => {
    assert.equal(reply(await ctx.stack.http("plain.example.com", "//a//b")).path, "/a/b");
  });

  it("overwrites the backend's Server header with Envoy's, and ignores a client's X-Forwarded-For", async () => {
    const res = await ctx.stack.http("plain.example.com", "/", { headers: { "x-forwarded-for": "198.18.200.1" } });
    assert.equal(res.headers["server"], "envoy");
    assert.equal(reply(res).headers["x-envoy-external-address"], "127.0.0.1");
  });

  // Our bootstrap's deferred_stat_options (upstream's creates them with the cluster): a cluster's
  // traffic stats appear with its first request, the stats of its configuration and endpoints at once.
  it("creates a cluster's traffic stats with its first request, its membership stats with the cluster", async () => {
    const { bed, kube, envoy } = ctx.stack;
    await createService(kube, NS, "idle", [{ port: 80 }]);
    await applyEndpointSlice(kube, NS, "idle", undefined, [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createIngress(kube, NS, "idle", simpleIngressSpec("idle.example.com", "idle", 80));
    const stat = `cluster.${NS}_idle_80`;
    await envoy.admin.waitForStat(`${stat}.membership_total`, (v) => v === 1);
    assert.equal(await envoy.admin.stat(`${stat}.upstream_rq_total`), undefined, "no request yet, so no traffic stats");
    await ctx.stack.waitForHttp("idle.example.com", "/", (r) => r.status === 200, "idle.example.com to answer 200");
    assert.ok(((await envoy.admin.stat(`${stat}.upstream_rq_total`)) ?? 0) >= 1, "the first request created them");
  });

  it("answers 421 Misdirected Request when the Host names another host than the SNI", async () => {
    const { kube } = ctx.stack;
    const one = await selfSignedCert(["one.settings.example.com"]);
    const two = await selfSignedCert(["two.settings.example.com"]);
    await createTlsSecret(kube, NS, "one-tls", one.certPem, one.keyPem);
    await createTlsSecret(kube, NS, "two-tls", two.certPem, two.keyPem);
    for (const [name, host] of [["one", "one.settings.example.com"], ["two", "two.settings.example.com"]] as const) {
      await createIngress(kube, NS, name, { tls: [{ hosts: [host], secretName: `${name}-tls` }], ...simpleIngressSpec(host, "app", 80) });
    }
    const https = (sni: string, host: string, ca: string) => httpGet(`https://127.0.0.1:${ctx.stack.envoyPorts.https}/`, { host, servername: sni, ca, timeoutMs: 3000 });
    for (const [host, cert] of [["one.settings.example.com", one.certPem], ["two.settings.example.com", two.certPem]] as const) {
      await waitFor(async () => (await https(host, host, cert).catch(() => undefined))?.status === 200, { timeoutMs: 20_000, description: `https://${host} to answer 200` });
    }
    // The connection is for one's SNI; the request names two, which is served but not on this chain.
    const misdirected = await https("one.settings.example.com", "two.settings.example.com", one.certPem);
    assert.equal(misdirected.status, 421);
    const unknown = await https("one.settings.example.com", "nobody.example.com", one.certPem);
    assert.equal(unknown.status, 421);
    // The SNI host's own name with a port is its own, not misdirected.
    assert.equal((await https("one.settings.example.com", "one.settings.example.com:443", one.certPem)).status, 200);
  });
});

describe("Envoy settings: upstream's config file", function () {
  const dir = mkdtempSync(join(tmpdir(), "contour-settings-"));
  const configPath = join(dir, "contour.yaml");
  writeFileSync(
    configPath,
    [
      "compression:",
      "  algorithm: brotli",
      "disableMergeSlashes: true",
      "serverHeaderTransformation: pass_through",
      "network:",
      "  num-trusted-hops: 1",
      "policy:",
      "  request-headers:",
      "    set: { X-Env: prod }",
      "    remove: [X-Debug]",
      "  response-headers:",
      "    set: { X-Served-By: contour }",
      "  applyToIngress: true",
      "",
    ].join("\n"),
  );
  const ctx = useStack({ pods: ["app-1"], contourArgs: [`--config-path=${configPath}`] });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("compresses with brotli (compression.algorithm: brotli), not gzip", async () => {
    await plainApp(ctx.stack, "plain.example.com");
    const br = await ctx.stack.http("plain.example.com", "/", { headers: { "accept-encoding": "br" } });
    assert.equal(br.headers["content-encoding"], "br");
    const gzip = await ctx.stack.http("plain.example.com", "/", { headers: { "accept-encoding": "gzip" } });
    assert.equal(gzip.headers["content-encoding"], undefined);
  });

  it("keeps adjacent slashes (disableMergeSlashes: true)", async () => {
    assert.equal(reply(await ctx.stack.http("plain.example.com", "//a//b")).path, "//a//b");
  });

  it("passes the backend's Server header through (serverHeaderTransformation: pass_through): the backend sends none", async () => {
    assert.equal((await ctx.stack.http("plain.example.com", "/")).headers["server"], undefined);
  });

  it("sets and removes the global policy's headers on Ingress routes (policy, applyToIngress: true)", async () => {
    const res = await ctx.stack.http("plain.example.com", "/", { headers: { "x-debug": "1", "x-env": "dev" } });
    assert.equal(res.headers["x-served-by"], "contour");
    const seen = reply(res).headers;
    assert.equal(seen["x-env"], "prod");
    assert.equal(seen["x-debug"], undefined);
  });

  it("trusts one X-Forwarded-For hop (network.num-trusted-hops: 1)", async () => {
    const res = await ctx.stack.http("plain.example.com", "/", { headers: { "x-forwarded-for": "198.18.200.1" } });
    assert.equal(reply(res).headers["x-envoy-external-address"], "198.18.200.1");
  });
});
