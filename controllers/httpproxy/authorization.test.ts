import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { ExtensionService } from "../../crds/types/extensionservice.js";
import type { HTTPProxy, Route as SpecRoute } from "../../crds/types/httpproxy.js";
import type { Fragment } from "../store/fragment.js";
import { reconcileHTTPProxy, type HTTPProxyReconcileOptions } from "./reconcile-httpproxy.js";
import { globalListenerAuthorization } from "./authorization.js";
import { cacheOf, port, service, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY } from "../source/testdata/certs.js";
import { prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

const NS = "app";
const web = service("web", [port(80)], { namespace: NS });
const authzSvc = service("authz", [port(9443, "auth")], { namespace: NS });
const cert = tlsSecret("cert", A_CRT, A_KEY, { namespace: NS });

function ext(name: string, spec: unknown, namespace = NS): ExtensionService {
  return { apiVersion: "projectcontour.io/v1alpha1", kind: "ExtensionService", metadata: { name, namespace, generation: 1 }, spec: spec as ExtensionService["spec"] };
}
const authz = ext("authz", { services: [{ name: "authz", port: 9443 }], timeoutPolicy: { response: "250ms" } });

function run(objects: KubernetesObject[], proxy: HTTPProxy, options: HTTPProxyReconcileOptions = {}): Fragment {
  return reconcileHTTPProxy(cacheOf(...objects, proxy), proxy, options);
}
const reasons = (f: Fragment): string[] => f.conditions.map((c) => c.reason);
const routes: SpecRoute[] = [
  prefixRoute("/first", [to("web", 80)], { authPolicy: { context: { target: "first" } } }),
  prefixRoute("/second", [to("web", 80)], { authPolicy: { disabled: true } }),
  { conditions: [{ prefix: "/teapot" }], directResponsePolicy: { statusCode: 418 } },
  prefixRoute("/", [to("web", 80)], { authPolicy: { context: { target: "default" } } }),
];
function root(vhost: Record<string, unknown>, spec: { routes?: SpecRoute[] } = {}): HTTPProxy {
  return rootProxy("p", "auth.example.com", { vhost: vhost as never, routes: spec.routes ?? routes }, { namespace: NS });
}
const authByPath = (f: Fragment): Record<string, unknown> =>
  Object.fromEntries((f.virtualHosts[0]?.routes ?? []).map((r) => [r.match.path.value, r.auth]));

describe("reconcileHTTPProxy: external authorization", () => {
  it("checks a TLS host's requests with its ExtensionService, routes inheriting and overriding the policy", () => {
    const f = run([web, authzSvc, cert, authz], root({
      tls: { secretName: "cert" },
      authorization: {
        extensionRef: { name: "authz" },
        responseTimeout: "500ms",
        failOpen: true,
        withRequestBody: { allowPartialMessage: true },
        authPolicy: { context: { hostname: "auth.example.com", target: "vhost" } },
      },
    }));
    assert.deepEqual(reasons(f), ["Valid"]);
    assert.deepEqual(f.virtualHosts[0]?.authorization, {
      cluster: "extension/app/authz",
      authority: "extension.app.authz",
      failOpen: true,
      responseTimeoutMs: 500,
      withRequestBody: { maxRequestBytes: 1024, allowPartialMessage: true, packAsBytes: false },
    });
    assert.deepEqual(authByPath(f), {
      "/first": { disabled: false, context: { hostname: "auth.example.com", target: "first" } },
      "/second": { disabled: true, context: { hostname: "auth.example.com", target: "vhost" } },
      "/teapot": { disabled: false, context: { hostname: "auth.example.com", target: "vhost" } },
      "/": { disabled: false, context: { hostname: "auth.example.com", target: "default" } },
    });
    // The cluster is served with the host, and the proxy re-runs when the ExtensionService or its Service changes.
    assert.ok(f.clusters.some((c) => c.name === "extension/app/authz"));
    assert.ok(f.dependencies.some((d) => d.kind === "ExtensionService" && d.name === "authz"));
    assert.ok(f.dependencies.some((d) => d.kind === "Service" && d.name === "authz"));
  });

  it("takes the ExtensionService's response timeout when the proxy sets none, and its namespace from the ref", () => {
    const other = ext("shared", { services: [{ name: "authz", port: 9443 }], timeoutPolicy: { response: "2s" } }, "auth");
    const f = run([web, cert, other, service("authz", [port(9443)], { namespace: "auth" })], root({ tls: { secretName: "cert" }, authorization: { extensionRef: { namespace: "auth", name: "shared" } } }));
    assert.deepEqual(reasons(f), ["Valid"]);
    assert.equal(f.virtualHosts[0]?.authorization?.responseTimeoutMs, 2000);
    assert.equal(f.virtualHosts[0]?.authorization?.cluster, "extension/auth/shared");
  });

  const refused: [string, Record<string, unknown>, KubernetesObject[], string, RegExp][] = [
    ["a host without TLS", { authorization: { extensionRef: { name: "authz" } } }, [authz, authzSvc], "AuthNotPermitted", /^spec\.virtualhost\.authorization\.extensionRef can only be defined for root HTTPProxies that terminate TLS/u],
    ["another apiVersion", { tls: { secretName: "cert" }, authorization: { extensionRef: { apiVersion: "projectcontour.io/v1", name: "authz" } } }, [authz, authzSvc], "AuthBadResourceVersion", /^spec\.virtualhost\.authorization\.extensionRef: specifies an unsupported resource version "projectcontour.io\/v1"/u],
    ["a missing ExtensionService", { tls: { secretName: "cert" }, authorization: { extensionRef: { name: "nope" } } }, [], "ExtensionServiceNotFound", /^spec\.virtualhost\.authorization\.extensionRef: extension service "app\/nope" not found/u],
    ["an invalid ExtensionService", { tls: { secretName: "cert" }, authorization: { extensionRef: { name: "authz" } } }, [authz], "ExtensionServiceNotFound", /extension service "app\/authz" not found/u],
    ["a bad response timeout", { tls: { secretName: "cert" }, authorization: { extensionRef: { name: "authz" }, responseTimeout: "soon" } }, [authz, authzSvc], "AuthResponseTimeoutInvalid", /^spec\.virtualhost\.authorization\.responseTimeout: "soon"/u],
    ["fallback certificate", { tls: { secretName: "cert", enableFallbackCertificate: true }, authorization: { extensionRef: { name: "authz" } } }, [authz, authzSvc], "TLSIncompatibleFeatures", /fallback & client authorization are incompatible/u],
  ];
  for (const [what, vhost, objects, reason, message] of refused) {
    it(`refuses ${what} with ${reason}, serving nothing`, () => {
      const f = run([web, cert, ...objects], root(vhost));
      assert.deepEqual(reasons(f), [reason]);
      assert.match(f.conditions[0]?.message ?? "", message);
      assert.equal(f.conditions[0]?.category, reason === "TLSIncompatibleFeatures" ? "TLSError" : "AuthError");
      assert.deepEqual(f.virtualHosts, []);
    });
  }

  describe("with globalExtAuth", () => {
    const global = { extensionRef: { namespace: NS, name: "authz" }, responseTimeout: "10s", authPolicy: { context: { location: "global_config", header_2: "message_2" } } };
    const options: HTTPProxyReconcileOptions = { globalAuthorization: global };
    const plainRoutes = [prefixRoute("/first", [to("web", 80)]), prefixRoute("/second", [to("web", 80)], { authPolicy: { disabled: true } }), prefixRoute("/", [to("web", 80)], { authPolicy: { context: { target: "default" } } })];

    it("gives a plain-HTTP host's routes the global context and their own overrides", () => {
      const f = run([web, authz, authzSvc], root({}, { routes: plainRoutes }), options);
      assert.deepEqual(reasons(f), ["Valid"]);
      assert.equal(f.virtualHosts[0]?.authorization, undefined, "plain HTTP is checked by the listener's filter");
      assert.deepEqual(authByPath(f), {
        "/first": { disabled: false, context: { header_2: "message_2", location: "global_config" } },
        "/second": { disabled: true, context: { header_2: "message_2", location: "global_config" } },
        "/": { disabled: false, context: { header_2: "message_2", location: "global_config", target: "default" } },
      });
    });

    it("gives a TLS host the global server with the global response timeout", () => {
      const f = run([web, cert, authz, authzSvc], root({ tls: { secretName: "cert" } }, { routes: plainRoutes }), options);
      assert.deepEqual(reasons(f), ["Valid"]);
      assert.deepEqual(f.virtualHosts[0]?.authorization, { cluster: "extension/app/authz", authority: "extension.app.authz", failOpen: false, responseTimeoutMs: 10_000 });
    });

    it("is switched off for every route of a host whose authPolicy disables it", () => {
      for (const vhost of [{ authorization: { authPolicy: { disabled: true } } }, { tls: { secretName: "cert" }, authorization: { authPolicy: { disabled: true } } }]) {
        const f = run([web, cert, authz, authzSvc], root(vhost, { routes: [prefixRoute("/first", [to("web", 80)]), prefixRoute("/", [to("web", 80)])] }), options);
        assert.deepEqual(reasons(f), ["Valid"]);
        assert.deepEqual(Object.values(authByPath(f)), [{ disabled: true }, { disabled: true }]);
      }
    });

    it("reports a missing global ExtensionService on a plain-HTTP host and still serves it (the listener fails closed)", () => {
      const f = run([web], root({}, { routes: plainRoutes }), options);
      assert.deepEqual(reasons(f), ["ExtensionServiceNotFound"]);
      assert.equal(f.virtualHosts.length, 1);
      assert.deepEqual(globalListenerAuthorization(cacheOf(web), global), { cluster: "extension/app/authz", authority: "extension.app.authz", failOpen: false, responseTimeoutMs: null });
    });

    it("uses the ExtensionService's timeout on the listener, as upstream, not globalExtAuth.responseTimeout", () => {
      assert.equal(globalListenerAuthorization(cacheOf(authz, authzSvc), global).responseTimeoutMs, 250);
    });
  });
});
