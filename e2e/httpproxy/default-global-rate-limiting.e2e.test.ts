// Port of upstream Contour v1.33.6's test/e2e/httpproxy/default_global_rate_limiting_test.go ("default global
// rate limiting" in httpproxy_test.go): the config file's rateLimitService has domain
// contour-default-global-rate-limit and a defaultGlobalRateLimitPolicy of two request-header descriptors
// (X-Default-Header as defaultHeader, X-Another-Header as anotherHeader), served by the real
// envoyproxy/ratelimit service and Redis with upstream's descriptor config, through the real Envoy.
// Upstream runs each spec in its own namespace under one proxy name and host; here they share one namespace
// and each gets its own name and host. The header values are upstream's, each used by one spec.
import { after, before, describe, it } from "mocha";
import type { HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, readHTTPProxy, updateHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { createPodNetwork, httpGet, waitFor, type HttpResponse, type PodNetwork } from "../harness/index.js";
import { startRateLimitService, type RateLimitService } from "../harness/ratelimit.js";
import { publishExtensionService, writeContourConfig } from "./extension-service-fixture.js";

const NS = "defaultglobalrl";
const RATE_LIMIT_CONFIG = `
domain: contour-default-global-rate-limit
descriptors:
  - key: generic_key
    value: foo
    rate_limit:
      unit: hour
      requests_per_unit: 1
  - key: defaultHeader
    rate_limit:
      unit: hour
      requests_per_unit: 1
  - key: customHeader
    rate_limit:
      unit: hour
      requests_per_unit: 1
  - key: anotherHeader
    rate_limit:
      unit: hour
      requests_per_unit: 1
`;
const CONTOUR_CONFIG = `rateLimitService:
  extensionService: ${NS}/ratelimit
  domain: contour-default-global-rate-limit
  failOpen: false
  defaultGlobalRateLimitPolicy:
    descriptors:
      - entries:
          - requestHeader:
              headerName: X-Default-Header
              descriptorKey: defaultHeader
      - entries:
          - requestHeader:
              headerName: X-Another-Header
              descriptorKey: anotherHeader
`;

describe("HTTPProxy: default_global_rate_limiting_test.go with a default global policy", function () {
  const config = writeContourConfig("defaultglobalrl", CONTOUR_CONFIG);
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

  const echo = (prefix?: string) => ({ ...(prefix === undefined ? {} : { conditions: [{ prefix }] }), services: [{ name: "echo", port: 80 }] });
  const until = (host: string, path: string, status: number, headers: Record<string, string>) =>
    ctx.stack.waitForHttp(host, path, (r) => r.status === status, `${host}${path} ${JSON.stringify(headers)} to answer ${status}`, { headers });
  const secureUntil = (host: string, ca: string, status: number, headers: Record<string, string>): Promise<HttpResponse> =>
    waitFor(
      async () => {
        const res = await httpGet(`https://127.0.0.1:${ctx.stack.envoyPorts.https}/`, { host, servername: host, ca, headers, timeoutMs: 3000 }).catch(() => undefined);
        return res?.status === status ? res : undefined;
      },
      { timeoutMs: 20_000, description: `https://${host}/ ${JSON.stringify(headers)} to answer ${status}` },
    );
  async function proxy(name: string, virtualhost: Record<string, unknown>, routes = [echo()]): Promise<string> {
    const host = `${name}.projectcontour.io`;
    await createHTTPProxy(kc(), NS, name, { virtualhost: { fqdn: host, ...virtualhost }, routes } as HTTPProxySpec);
    await waitForProxyStatus(kc(), NS, name, "valid");
    return host;
  }
  async function tls(name: string): Promise<{ secretName: string; ca: string }> {
    const cert = await selfSignedCert([`${name}.projectcontour.io`]);
    await createTlsSecret(ctx.stack.kube, NS, name, cert.certPem, cert.keyPem);
    return { secretName: name, ca: cert.certPem };
  }

  describe("non-TLS virtualhost", () => {
    it("default global rate limit policy is applied on non-TLS virtualhost", async () => {
      const host = await proxy("defaultglobalratelimitvhostnontls", {});
      await until(host, "/", 429, { "X-Default-Header": "test_value_1" });
    });

    it("default global rate limit policy is set but HTTPProxy is opted-out", async () => {
      const host = await proxy("defaultglobalratelimitoptedout", { rateLimitPolicy: { global: { disabled: true } } });
      await until(host, "/", 200, { "X-Default-Header": "test_value_2" });
      await until(host, "/", 200, { "X-Default-Header": "test_value_2" });
    });

    it("default global rate limit policy is set but HTTPProxy has its own global rate limit policy", async () => {
      const host = await proxy("defaultglobalratelimitown", { rateLimitPolicy: { global: { descriptors: [{ entries: [{ genericKey: { value: "foo" } }] }] } } });
      await until(host, "/", 429, {});
    });
  });

  describe("TLS virtualhost", () => {
    it("default global rate limit policy is applied on TLS virtualhost", async () => {
      const { secretName, ca } = await tls("defaultglobalratelimitvhosttls");
      const host = await proxy("defaultglobalratelimitvhosttls", { tls: { secretName } });
      await secureUntil(host, ca, 429, { "X-Default-Header": "test_value_3" });
    });

    it("default global rate limit policy is set but HTTPProxy opts out", async () => {
      const { secretName, ca } = await tls("defaultglobalratelimittlsoptedout");
      const host = await proxy("defaultglobalratelimittlsoptedout", { tls: { secretName }, rateLimitPolicy: { global: { disabled: true } } });
      await secureUntil(host, ca, 200, { "X-Default-Header": "test_value_4" });
      await secureUntil(host, ca, 200, { "X-Default-Header": "test_value_4" });
    });

    it("default global rate limit policy is set but HTTPProxy has its own global rate limit policy", async () => {
      const { secretName, ca } = await tls("defaultglobalratelimittlsown");
      const own = { global: { descriptors: [{ entries: [{ requestHeader: { headerName: "X-HTTPProxy-Descriptor", descriptorKey: "customHeader" } }] }] } };
      const host = await proxy("defaultglobalratelimittlsown", { tls: { secretName }, rateLimitPolicy: own });
      await secureUntil(host, ca, 429, { "X-HTTPProxy-Descriptor": "test_value" });
    });
  });

  it("default global rate limit policy is applied and route opted out from the virtual host rate limit policy", async () => {
    const name = "defaultglobalratelimitvhratelimits";
    const host = await proxy(name, {}, [echo("/echo")]);
    await until(host, "/echo", 429, { "X-Another-Header": "randomvalue" });
    const spec = structuredClone((await readHTTPProxy(kc(), NS, name)).spec) as unknown as { routes: Record<string, unknown>[] };
    spec.routes[0]!["rateLimitPolicy"] = { global: { disabled: true } };
    await updateHTTPProxy(kc(), NS, name, spec as unknown as HTTPProxySpec);
    await until(host, "/echo", 200, { "X-Another-Header": "randomvalue" });
  });
});
