// Port of upstream Contour v1.33.6's test/e2e/httpproxy/global_external_auth_test.go (the "global
// external auth" context of httpproxy_test.go), through a real kube-apiserver, contour and Envoy.
// Contour starts with upstream's globalExtAuth settings (extensionService <ns>/testserver, failOpen
// false, authPolicy.context {location: global_config, header_2: message_2}, responseTimeout 10s);
// EnsureGlobalExternalAuthResources' objects are upstream's examples/global-external-auth: the
// `testserver` (the bed's authorization server, e2e/harness/authz-server.ts, on its cleartext gRPC
// port) behind the Service testserver:9443 and the ExtensionService testserver (h2c, response 100ms).
// Plumbing difference: upstream runs each test in a namespace of its own with a contour of its own;
// here one contour serves the four tests from one namespace, each proxy under its own name.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "mocha";
import type { HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { assertNoRejectedUpdates } from "../fixtures/envoy-updates.js";
import { createExtensionService, waitForExtensionValid } from "../fixtures/extension-services.js";
import { applyEndpointSlice, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { httpGet, startAuthzServers, waitFor, type HttpResponse } from "../harness/index.js";

const NS = "httpproxy-global-ext-auth";

describe("HTTPProxy: global_external_auth_test.go", function () {
  const dir = mkdtempSync(join(tmpdir(), "contour-global-ext-auth-"));
  const configPath = join(dir, "contour.yaml");
  writeFileSync(
    configPath,
    [
      "globalExtAuth:",
      `  extensionService: ${NS}/testserver`,
      "  failOpen: false",
      "  authPolicy:",
      "    context:",
      "      location: global_config",
      "      header_2: message_2",
      "  responseTimeout: 10s",
      "",
    ].join("\n"),
  );
  // Before contour starts, as upstream's suite does: upstream refuses to start without the globalExtAuth ExtensionService.
  const ctx = useStack({
    pods: ["echo-1"],
    crds: true,
    contourArgs: [`--config-path=${configPath}`],
    beforeContour: async (bed, kube) => {
      await ensureNamespace(kube, NS);
      // f.Fixtures.Echo.Deploy(namespace, "echo")
      const echo = bed.pods.find((p) => p.name === "echo-1")!;
      await createService(kube, NS, "echo", [{ name: "http", port: 80 }]);
      await applyEndpointSlice(kube, NS, "echo", "http", [{ ip: echo.ip, port: echo.port }]);
      // EnsureGlobalExternalAuthResources(namespace)
      const authz = await startAuthzServers(bed, "testserver", await selfSignedCert(["testserver"]));
      await createService(kube, NS, "testserver", [{ name: "auth", port: 9443 }]);
      await applyEndpointSlice(kube, NS, "testserver", "auth", [{ ip: authz.ip, port: authz.grpcPort }]);
      await createExtensionService(bed.apiserver.makeKubeConfig(), NS, "testserver", { protocol: "h2c", services: [{ name: "testserver", port: 9443 }], timeoutPolicy: { response: "100ms" } });
    },
  });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  after(() => rmSync(dir, { recursive: true, force: true }));
  const certs = new Map<string, string>();

  /** Upstream's RequestUntil (plain HTTP) and SecureRequestUntil (HTTPS with SNI), polled until the status is `status`. */
  async function requestUntil(secure: boolean, host: string, path: string, status: number): Promise<HttpResponse> {
    let last: HttpResponse | string = "no response yet";
    const { envoyPorts } = ctx.stack;
    return waitFor(
      async () => {
        try {
          last = secure
            ? await httpGet(`https://127.0.0.1:${envoyPorts.https}${path}`, { host, servername: host, ca: certs.get(host)!, timeoutMs: 3000 })
            : await httpGet(`http://127.0.0.1:${envoyPorts.http}${path}`, { host, timeoutMs: 3000 });
          return last.status === status ? last : undefined;
        } catch (err) {
          last = err instanceof Error ? err.message : String(err);
          return undefined;
        }
      },
      { timeoutMs: 20_000, description: () => `expected ${status} response code for ${host}${path}, got ${typeof last === "string" ? last : last.status}` },
    );
  }

  /** f.Certs.CreateSelfSignedCert(namespace, secretName, secretName, fqdn) */
  async function selfSigned(secretName: string, fqdn: string): Promise<void> {
    const cert = await selfSignedCert([fqdn]);
    certs.set(fqdn, cert.certPem);
    await createTlsSecret(ctx.stack.kube, NS, secretName, cert.certPem, cert.keyPem);
  }

  async function proxyValid(name: string, spec: HTTPProxySpec): Promise<void> {
    await createHTTPProxy(kc(), NS, name, spec);
    await waitForProxyStatus(kc(), NS, name, "valid");
  }

  before(async function () {
    this.timeout(60_000);
    await waitForExtensionValid(kc(), NS, "testserver");
  });

  const routes: HTTPProxySpec["routes"] = [
    { conditions: [{ prefix: "/first" }], services: [{ name: "echo", port: 80 }] },
    { conditions: [{ prefix: "/second" }], authPolicy: { disabled: true }, services: [{ name: "echo", port: 80 }] },
    { authPolicy: { context: { target: "default" } }, services: [{ name: "echo", port: 80 }] },
  ];
  const plainRoutes: HTTPProxySpec["routes"] = [
    { conditions: [{ prefix: "/first" }], services: [{ name: "echo", port: 80 }] },
    { conditions: [{ prefix: "/second" }], services: [{ name: "echo", port: 80 }] },
    { services: [{ name: "echo", port: 80 }] },
  ];

  it("global external auth can be configured on a non TLS HTTPProxy", async () => {
    const fqdn = "http.globalexternalauth.projectcontour.io";
    await proxyValid("external-auth-non-tls", { virtualhost: { fqdn }, routes });
    // By default requests to /first should not be authorized.
    await requestUntil(false, fqdn, "/first", 401);
    // The /second route disables authorization so this request should succeed.
    await requestUntil(false, fqdn, "/second", 200);
    // The default route should not authorize by default.
    await requestUntil(false, fqdn, "/matches-default-route", 401);
  });

  it("global external auth can be configured on a TLS HTTPProxy", async () => {
    const fqdn = "https.globalexternalauth.projectcontour.io";
    await selfSigned("echo-tls", fqdn);
    await proxyValid("external-auth-tls", { virtualhost: { fqdn, tls: { secretName: "echo-tls" } }, routes });
    await requestUntil(true, fqdn, "/first", 401);
    await requestUntil(true, fqdn, "/second", 200);
    await requestUntil(true, fqdn, "/matches-default-route", 401);
  });

  it("global external auth can be disabled on a non TLS HTTPProxy", async () => {
    const fqdn = "disabled.http.globalexternalauth.projectcontour.io";
    await proxyValid("external-auth-non-tls-disabled", { virtualhost: { fqdn, authorization: { authPolicy: { disabled: true } } }, routes: plainRoutes });
    await requestUntil(false, fqdn, "/first", 200);
    await requestUntil(false, fqdn, "/second", 200);
    await requestUntil(false, fqdn, "/matches-default-route", 200);
  });

  it("global external auth can be disabled on a TLS HTTPProxy", async () => {
    const fqdn = "disabled.https.globalexternalauth.projectcontour.io";
    await selfSigned("echo-tls-disabled", fqdn);
    await proxyValid("external-auth-tls-disabled", { virtualhost: { fqdn, tls: { secretName: "echo-tls-disabled" }, authorization: { authPolicy: { disabled: true } } }, routes: plainRoutes });
    await requestUntil(true, fqdn, "/first", 200);
    await requestUntil(true, fqdn, "/second", 200);
    await requestUntil(true, fqdn, "/matches-default-route", 200);
    await assertNoRejectedUpdates(ctx.stack.envoy);
  });
});
