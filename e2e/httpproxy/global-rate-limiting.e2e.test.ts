// Port of upstream Contour v1.33.6's test/e2e/httpproxy/global_rate_limiting_test.go ("global rate
// limiting" in httpproxy_test.go): contour started with a config file whose rateLimitService names an
// ExtensionService (domain contour, failOpen false), backed by the real envoyproxy/ratelimit service and
// Redis (e2e/harness/ratelimit.ts) in a pod network of their own, with upstream's descriptor config; every
// request goes through the real Envoy. Upstream runs each test in a fresh namespace with a fresh rate limit
// deployment; here one service serves the file, and each test uses its own descriptor values as upstream's do
// (the two `disabled` tests share "randomvalue" as upstream's do, and the second only needs a 429 first).
import { after, before, describe, it } from "mocha";
import type { HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, readHTTPProxy, updateHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { createPodNetwork, httpGet, waitFor, type HttpResponse, type PodNetwork } from "../harness/index.js";
import { startRateLimitService, type RateLimitService } from "../harness/ratelimit.js";
import { publishExtensionService, writeContourConfig } from "./extension-service-fixture.js";

const NS = "globalrl";
const RATE_LIMIT_CONFIG = `
domain: contour
descriptors:
  - key: generic_key
    value: vhostlimit
    rate_limit:
      unit: hour
      requests_per_unit: 1
  - key: route_limit_key
    value: routelimit
    rate_limit:
      unit: hour
      requests_per_unit: 1
  - key: generic_key
    value: tlsvhostlimit
    rate_limit:
      unit: hour
      requests_per_unit: 1
  - key: generic_key
    value: tlsroutelimit
    rate_limit:
      unit: hour
      requests_per_unit: 1
  - key: generic_key
    value: randomvalue
    rate_limit:
      unit: hour
      requests_per_unit: 1
`;

describe("HTTPProxy: global_rate_limiting_test.go with a rate limit service", function () {
  const config = writeContourConfig("globalrl", `rateLimitService:\n  extensionService: ${NS}/ratelimit\n  domain: contour\n  failOpen: false\n`);
  let network: PodNetwork | undefined;
  let rls: RateLimitService | undefined;
  // Before contour starts, as upstream's suite does: upstream refuses to start without the rateLimitService's ExtensionService.
  const ctx = useStack({
    pods: ["echo"],
    crds: true,
    contourArgs: [`--config-path=${config.path}`],
    beforeContour: async (bed, kube) => {
      network = createPodNetwork();
      rls = await startRateLimitService({ runDir: bed.runDir, config: RATE_LIMIT_CONFIG, network });
      await publishExtensionService(kube, bed.apiserver.makeKubeConfig(), NS, "ratelimit", { ip: rls.grpcAddress, port: rls.grpcPort });
    },
  });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  before(async function () {
    this.timeout(60_000);
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "echo", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "echo", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
  });
  after(async () => {
    await rls?.stop();
    network?.remove();
    config.remove();
  });

  type Editable = { virtualhost: Record<string, unknown>; routes: Record<string, unknown>[] };
  async function change(name: string, edit: (spec: Editable) => void): Promise<void> {
    const spec = structuredClone((await readHTTPProxy(kc(), NS, name)).spec) as unknown as Editable;
    edit(spec);
    await updateHTTPProxy(kc(), NS, name, spec as unknown as HTTPProxySpec);
  }
  const generic = (value: string, key?: string) => ({ global: { descriptors: [{ entries: [{ genericKey: { ...(key === undefined ? {} : { key }), value } }] }] } });
  const echo = (prefix?: string) => ({ ...(prefix === undefined ? {} : { conditions: [{ prefix }] }), services: [{ name: "echo", port: 80 }] });
  /** upstream's RequestUntil: asks until the status is `status` (bounded by waitForHttp's deadline). */
  const until = (host: string, path: string, status: number) => ctx.stack.waitForHttp(host, path, (r) => r.status === status, `${host}${path} to answer ${status}`);
  const secureUntil = (host: string, ca: string, path: string, status: number): Promise<HttpResponse> =>
    waitFor(
      async () => {
        const res = await httpGet(`https://127.0.0.1:${ctx.stack.envoyPorts.https}${path}`, { host, servername: host, ca, timeoutMs: 3000 }).catch(() => undefined);
        return res?.status === status ? res : undefined;
      },
      { timeoutMs: 20_000, description: `https://${host}${path} to answer ${status}` },
    );

  it("global rate limit policy set on non-TLS virtualhost is applied", async () => {
    const host = "globalratelimitvhostnontls.projectcontour.io";
    await createHTTPProxy(kc(), NS, "globalratelimitvhostnontls", { virtualhost: { fqdn: host }, routes: [echo()] });
    await waitForProxyStatus(kc(), NS, "globalratelimitvhostnontls", "valid");
    await until(host, "/", 200);
    await change("globalratelimitvhostnontls", (s) => void (s.virtualhost["rateLimitPolicy"] = generic("vhostlimit")));
    await until(host, "/", 200);
    await until(host, "/", 429);
  });

  it("global rate limit policy set on non-TLS route is applied", async () => {
    const host = "globalratelimitroutenontls.projectcontour.io";
    await createHTTPProxy(kc(), NS, "globalratelimitroutenontls", { virtualhost: { fqdn: host }, routes: [echo(), echo("/unlimited")] });
    await waitForProxyStatus(kc(), NS, "globalratelimitroutenontls", "valid");
    await until(host, "/", 200);
    await change("globalratelimitroutenontls", (s) => void (s.routes[0]!["rateLimitPolicy"] = generic("routelimit", "route_limit_key")));
    await until(host, "/", 200);
    await until(host, "/", 429);
    await until(host, "/unlimited", 200);
  });

  it("global rate limit policy set on TLS virtualhost is applied", async () => {
    const host = "globalratelimitvhosttls.projectcontour.io";
    const cert = await selfSignedCert([host]);
    await createTlsSecret(ctx.stack.kube, NS, "echo-vhost", cert.certPem, cert.keyPem);
    await createHTTPProxy(kc(), NS, "globalratelimitvhosttls", { virtualhost: { fqdn: host, tls: { secretName: "echo-vhost" } }, routes: [echo()] });
    await waitForProxyStatus(kc(), NS, "globalratelimitvhosttls", "valid");
    await secureUntil(host, cert.certPem, "/", 200);
    await change("globalratelimitvhosttls", (s) => void (s.virtualhost["rateLimitPolicy"] = generic("tlsvhostlimit")));
    await secureUntil(host, cert.certPem, "/", 200);
    await secureUntil(host, cert.certPem, "/", 429);
  });

  it("global rate limit policy set on TLS route is applied", async () => {
    const host = "globalratelimitroutetls.projectcontour.io";
    const cert = await selfSignedCert([host]);
    await createTlsSecret(ctx.stack.kube, NS, "echo-route", cert.certPem, cert.keyPem);
    await createHTTPProxy(kc(), NS, "globalratelimitroutetls", { virtualhost: { fqdn: host, tls: { secretName: "echo-route" } }, routes: [echo(), echo("/unlimited")] });
    await waitForProxyStatus(kc(), NS, "globalratelimitroutetls", "valid");
    await secureUntil(host, cert.certPem, "/", 200);
    await change("globalratelimitroutetls", (s) => void (s.routes[0]!["rateLimitPolicy"] = generic("tlsroutelimit")));
    await secureUntil(host, cert.certPem, "/", 200);
    await secureUntil(host, cert.certPem, "/", 429);
    await secureUntil(host, cert.certPem, "/unlimited", 200);
  });

  // Upstream's two specs use one name and host in two namespaces; here the second gets its own name and host.
  for (const [disabled, want, name] of [[false, 429, "disabledfalse"], [true, 200, "disabledtrue"]] as const) {
    it(`global rate limit policy set on virtualhost is applied with disabled set to ${disabled} on a route`, async () => {
      const host = `globalratelimit${name}.projectcontour.io`;
      await createHTTPProxy(kc(), NS, name, { virtualhost: { fqdn: host }, routes: [echo("/echo")] });
      await waitForProxyStatus(kc(), NS, name, "valid");
      await until(host, "/echo", 200);
      await change(name, (s) => void (s.virtualhost["rateLimitPolicy"] = generic("randomvalue")));
      await until(host, "/echo", 429);
      await change(name, (s) => void (s.routes[0]!["rateLimitPolicy"] = { global: { disabled } }));
      await until(host, "/echo", want);
    });
  }

  // Not in upstream's file: failOpen: false on the wire. Last, since it stops the service for a while.
  it("fails closed (500) while the rate limit service is down, and limits again once it is back", async () => {
    const host = "globalratelimitvhostnontls.projectcontour.io";
    await until(host, "/", 429);
    await rls!.process().stop();
    await until(host, "/", 500);
    await rls!.setConfig(RATE_LIMIT_CONFIG);
    await until(host, "/", 429);
  });
});
