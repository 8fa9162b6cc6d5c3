import assert from "node:assert/strict";
import type { KubernetesObject, V1Ingress } from "@kubernetes/client-node";
import type { Fragment } from "../store/fragment.js";
import type { Route } from "../model/model.js";
import { reconcileIngress, type IngressReconcileOptions } from "./reconcile-ingress.js";
import { cacheOf, ingress, ingressClass, path, port, rule, secret, service, tlsDelegation, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY, B_KEY } from "../source/testdata/certs.js";

const web = service("web", [port(80, "http"), port(8443, "https")]);
const api = service("api", [port(9000, "grpc")], { annotations: { "projectcontour.io/upstream-protocol.h2c": "grpc" } });
const cert = tlsSecret("cert", A_CRT, A_KEY);

function run(objects: KubernetesObject[], ing: V1Ingress, options: IngressReconcileOptions = {}): Fragment {
  return reconcileIngress(cacheOf(...objects), ing, options);
}

const reasons = (f: Fragment): string[] => f.conditions.map((c) => c.reason);
const hosts = (f: Fragment): string[] => f.virtualHosts.map((v) => v.fqdn);
const paths = (f: Fragment, fqdn: string): string[] =>
  (f.virtualHosts.find((v) => v.fqdn === fqdn)?.routes ?? []).map((r: Route) => `${r.match.path.kind}:${r.match.path.value}`);
const routeOf = (f: Fragment, fqdn: string, i = 0): Route | undefined => f.virtualHosts.find((v) => v.fqdn === fqdn)?.routes[i];

describe("reconcileIngress: rules and paths", () => {
  it("routes a host's paths to Service clusters and reports Valid", () => {
    const f = run([web], ingress("shop", { rules: [rule("shop.example.com", path("/", "web", 80), path("/static", "web", "http"))] }));
    assert.deepEqual(hosts(f), ["shop.example.com"]);
    assert.deepEqual(paths(f, "shop.example.com"), ["prefix:/static", "prefix:/"]);
    assert.equal(f.clusters.length, 1);
    assert.equal(f.clusters[0]?.service.port, 80);
    const action = routeOf(f, "shop.example.com")?.action;
    assert.deepEqual(action?.kind === "forward" ? action.clusters : undefined, [{ cluster: f.clusters[0]?.name, weight: 1 }]);
    assert.deepEqual(f.conditions, [{ type: "Valid", status: "True", reason: "Valid", message: "Valid Ingress" }]);
    assert.deepEqual(f.dependencies, [{ kind: "Service", namespace: "default", name: "web" }]);
    assert.deepEqual(f.source, { kind: "Ingress", namespace: "default", name: "shop" });
  });

  it("puts rules without a host on *", () => {
    assert.deepEqual(hosts(run([web], ingress("i", { rules: [rule("", path("/", "web", 80))] }))), ["*"]);
  });

  it("adds a single-label :authority match to wildcard hosts", () => {
    const f = run([web], ingress("i", { rules: [rule("*.example.com", path("/", "web", 80))] }));
    assert.deepEqual(routeOf(f, "*.example.com")?.match.headers, [
      { name: ":authority", kind: "regex", value: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?\\.example\\.com(:[0-9]+)?", invert: false, ignoreCase: false },
    ]);
  });

  it("turns the default backend into a / prefix on *, overridden by a rule for the same match", () => {
    const alone = run([web, api], ingress("i", { defaultBackend: { service: { name: "web", port: { number: 80 } } } }));
    assert.deepEqual(paths(alone, "*"), ["prefix:/"]);
    const overridden = run([web, api], ingress("i", { defaultBackend: { service: { name: "web", port: { number: 80 } } }, rules: [rule("", path("/", "api", 9000, "ImplementationSpecific"))] }));
    const action = routeOf(overridden, "*")?.action;
    assert.match(action?.kind === "forward" ? (action.clusters[0]?.cluster ?? "") : "", /^default\/api\/9000\//u);
    assert.deepEqual(reasons(overridden), ["Valid"]);
  });

  it("keeps the later of two paths with the same match, with a warning", () => {
    const f = run([web, api], ingress("i", { rules: [rule("a.com", path("/x", "web", 80)), rule("a.com", path("/x/", "api", 9000))] }));
    assert.deepEqual(paths(f, "a.com"), ["prefix:/x"]);
    assert.deepEqual(reasons(f), ["Valid", "DuplicatePath"]);
    assert.match(f.conditions[1]?.message ?? "", /^spec\.rules\[1\]\.http\.paths\[0\]: .*spec\.rules\[0\]\.http\.paths\[0\]/u);
  });

  it("orders routes exact, regex, then prefix, longest first", () => {
    const f = run([web], ingress("i", {
      rules: [rule("a.com", path("/", "web", 80), path("/a", "web", 80), path("/a/b", "web", 80), path("/a", "web", 80, "Exact"), path("/a.*", "web", 80, "ImplementationSpecific"), path("/ab", "web", 80, "ImplementationSpecific"))],
    }));
    assert.deepEqual(paths(f, "a.com"), ["exact:/a", "regex:/a.*", "prefix:/a/b", "prefix:/ab", "prefix:/a", "prefix:/"]);
  });

  it("sets the upstream protocol from the Service's annotations", () => {
    const f = run([api], ingress("i", { rules: [rule("a.com", path("/", "api", "grpc"))] }));
    assert.equal(f.clusters[0]?.protocol, "h2c");
    assert.equal(f.clusters[0]?.endpoints, "default/api/grpc");
  });

  it("presents the configured client certificate (tls.envoy-client-certificate) to TLS backends only; a missing one is a warning", () => {
    const secure = service("secure", [port(443, "https")], { annotations: { "projectcontour.io/upstream-protocol.tls": "443" } });
    const ing = ingress("i", { rules: [rule("a.com", path("/tls", "secure", 443), path("/", "web", 80))] });
    const clientCertificate = { namespace: "projectcontour", name: "envoy-client" };
    const f = run([secure, web, tlsSecret("envoy-client", A_CRT, A_KEY, { namespace: "projectcontour" })], ing, { clientCertificate });
    const byProtocol = new Map(f.clusters.map((c) => [c.protocol, c.clientCertificate]));
    assert.match(byProtocol.get("tls") ?? "", /^projectcontour\/envoy-client\//u);
    assert.equal(byProtocol.get("http1"), undefined);
    assert.deepEqual(f.secrets.map((s) => s.source), [{ kind: "Secret", namespace: "projectcontour", name: "envoy-client" }]);
    const missing = run([secure, web], ing, { clientCertificate });
    assert.ok(missing.conditions.some((c) => c.message.includes("tls.envoy-client-certificate")), JSON.stringify(missing.conditions));
    assert.equal(missing.clusters.find((c) => c.protocol === "tls")?.clientCertificate, undefined);
    assert.ok(missing.dependencies.some((d) => d.kind === "Secret" && d.name === "envoy-client"));
  });
});

describe("reconcileIngress: broken backends and hosts", () => {
  const table: { name: string; ing: V1Ingress; reason: string; field: RegExp; kept: string[] }[] = [
    {
      name: "missing Service",
      ing: ingress("i", { rules: [rule("a.com", path("/ok", "web", 80), path("/gone", "nope", 80))] }),
      reason: "ServiceNotFound",
      field: /^spec\.rules\[0\]\.http\.paths\[1\]\.backend\.service: Service "default\/nope" not found/u,
      kept: ["prefix:/ok"],
    },
    {
      name: "missing port",
      ing: ingress("i", { rules: [rule("a.com", path("/ok", "web", 80), path("/gone", "web", 81))] }),
      reason: "ServicePortNotFound",
      field: /^spec\.rules\[0\]\.http\.paths\[1\]\.backend\.service: .*no port 81/u,
      kept: ["prefix:/ok"],
    },
    {
      name: "missing port name",
      ing: ingress("i", { rules: [rule("a.com", path("/ok", "web", 80), path("/gone", "web", "admin"))] }),
      reason: "ServicePortNotFound",
      field: /no port named "admin"/u,
      kept: ["prefix:/ok"],
    },
    {
      name: "resource backend",
      ing: ingress("i", { rules: [rule("a.com", path("/ok", "web", 80), { path: "/r", pathType: "Prefix", backend: { resource: { kind: "Bucket", name: "b" } } })] }),
      reason: "UnsupportedBackend",
      field: /^spec\.rules\[0\]\.http\.paths\[1\]\.backend\.service: resource backends/u,
      kept: ["prefix:/ok"],
    },
    {
      name: "bad regex",
      ing: ingress("i", { rules: [rule("a.com", path("/ok", "web", 80), path("/x[", "web", 80, "ImplementationSpecific"))] }),
      reason: "InvalidPathRegex",
      field: /^spec\.rules\[0\]\.http\.paths\[1\]\.path: "\/x\[" is treated as a regex/u,
      kept: ["prefix:/ok"],
    },
    {
      name: "invalid host",
      ing: ingress("i", { rules: [rule("a.com", path("/ok", "web", 80)), rule("Bad_Host", path("/", "web", 80))] }),
      reason: "InvalidHost",
      field: /^spec\.rules\[1\]\.host: "Bad_Host"/u,
      kept: ["prefix:/ok"],
    },
    {
      name: "bad default backend",
      ing: ingress("i", { defaultBackend: { service: { name: "nope", port: { number: 80 } } }, rules: [rule("a.com", path("/ok", "web", 80))] }),
      reason: "ServiceNotFound",
      field: /^spec\.defaultBackend\.service: /u,
      kept: ["prefix:/ok"],
    },
  ];
  for (const t of table) {
    it(`${t.name}: drops only that path, says why`, () => {
      const f = run([web], t.ing);
      assert.deepEqual(hosts(f), ["a.com"]);
      assert.deepEqual(paths(f, "a.com"), t.kept);
      assert.deepEqual(reasons(f), [t.reason]);
      assert.deepEqual(f.conditions[0]?.type, "Valid");
      assert.deepEqual(f.conditions[0]?.status, "False");
      assert.match(f.conditions[0]?.message ?? "", t.field);
    });
  }

  it("depends on a missing Service, so creating it re-runs the reconcile", () => {
    const f = run([], ingress("i", { rules: [rule("a.com", path("/", "nope", 80))] }));
    assert.deepEqual(f.dependencies, [{ kind: "Service", namespace: "default", name: "nope" }]);
    assert.deepEqual(f.virtualHosts, []);
  });
});

describe("reconcileIngress: TLS", () => {
  const tlsIngress = (annotations: Record<string, string> = {}, secretName = "cert", extraRules = [rule("plain.com", path("/", "web", 80))]) =>
    ingress("i", { tls: [{ hosts: ["a.com"], secretName }], rules: [rule("a.com", path("/", "web", 80)), ...extraRules] }, { annotations });

  it("serves TLS hosts on both listeners by default (no redirect), as upstream", () => {
    const f = run([web, cert], tlsIngress());
    const a = f.virtualHosts.find((v) => v.fqdn === "a.com");
    assert.deepEqual(a?.tls, { secret: f.secrets[0]?.name, minimumProtocolVersion: "1.2", maximumProtocolVersion: "1.3" });
    assert.equal(a?.routes[0]?.httpsRedirect, false);
    assert.equal(f.virtualHosts.find((v) => v.fqdn === "plain.com")?.tls, undefined);
    assert.match(f.secrets[0]?.name ?? "", /^default\/cert\/[0-9a-f]{10}$/u);
    assert.deepEqual(f.dependencies.map((d) => `${d.kind}/${d.name}`), ["Secret/cert", "Service/web"]);
  });

  it("redirects plain HTTP with force-ssl-redirect", () => {
    const f = run([web, cert], tlsIngress({ "ingress.kubernetes.io/force-ssl-redirect": "true" }));
    assert.deepEqual(f.virtualHosts.map((v) => [v.fqdn, v.routes[0]?.httpsRedirect]), [["a.com", true], ["plain.com", true]]);
  });

  it("keeps allow-http: false hosts off plain HTTP", () => {
    const f = run([web, cert], tlsIngress({ "kubernetes.io/ingress.allow-http": "false" }));
    assert.deepEqual(f.virtualHosts.map((v) => [v.fqdn, v.routes[0]?.httpsRedirect]), [["a.com", true]]);
    assert.deepEqual(reasons(f), ["Valid", "HTTPNotAllowed"]);
  });

  it("applies the TLS version annotations", () => {
    const f = run([web, cert], tlsIngress({ "projectcontour.io/tls-minimum-protocol-version": "1.3" }));
    assert.equal(f.virtualHosts[0]?.tls?.minimumProtocolVersion, "1.3");
  });

  it("serves a host without TLS when its Secret is invalid, as upstream", () => {
    const f = run([web, tlsSecret("cert", A_CRT, B_KEY)], tlsIngress());
    assert.deepEqual(f.virtualHosts.map((v) => [v.fqdn, v.tls === undefined]), [["a.com", true], ["plain.com", true]]);
    assert.deepEqual(reasons(f), ["SecretNotValid"]);
    assert.match(f.conditions[0]?.message ?? "", /^spec\.tls\[0\]\.secretName: Secret "default\/cert" tls\.key does not match/u);
    assert.deepEqual(f.secrets, []);
  });

  it("reports a missing Secret and still depends on it", () => {
    const f = run([web], tlsIngress());
    assert.deepEqual(reasons(f), ["SecretNotFound"]);
    assert.ok(f.dependencies.some((d) => d.kind === "Secret" && d.name === "cert"));
  });

  it("does not take a Secret of another type", () => {
    const f = run([web, secret("cert", "Opaque", { "tls.crt": A_CRT, "tls.key": A_KEY })], tlsIngress());
    assert.deepEqual(reasons(f), ["SecretNotFound"]);
  });

  it("uses a Secret of another namespace only when delegated", () => {
    const other = tlsSecret("wild", A_CRT, A_KEY, { namespace: "certs" });
    const refused = run([web, other], tlsIngress({}, "certs/wild"));
    assert.deepEqual(reasons(refused), ["DelegationNotPermitted"]);
    assert.ok(refused.dependencies.some((d) => d.kind === "TLSCertificateDelegation" && d.namespace === "certs" && d.name === "*"));
    const allowed = run([web, other, tlsDelegation("d", "certs", [{ secretName: "wild", targetNamespaces: ["default"] }])], tlsIngress({}, "certs/wild"));
    assert.deepEqual(reasons(allowed), ["Valid"]);
    assert.match(allowed.virtualHosts[0]?.tls?.secret ?? "", /^certs\/wild\//u);
  });

  it("reads a bare secretName in the tls-cert-namespace annotation's namespace", () => {
    const other = tlsSecret("wild", A_CRT, A_KEY, { namespace: "certs" });
    const f = run([web, other, tlsDelegation("d", "certs", [{ secretName: "wild", targetNamespaces: ["*"] }])], tlsIngress({ "projectcontour.io/tls-cert-namespace": "certs" }, "wild"));
    assert.match(f.virtualHosts[0]?.tls?.secret ?? "", /^certs\/wild\//u);
  });

  it("declares a TLS host even without routes of its own, for other Ingresses to route", () => {
    const f = run([web, cert], ingress("i", { tls: [{ hosts: ["a.com"], secretName: "cert" }] }));
    assert.deepEqual(f.virtualHosts, [{ fqdn: "a.com", routes: [], tls: { secret: f.secrets[0]?.name, minimumProtocolVersion: "1.2", maximumProtocolVersion: "1.3" } }]);
  });

  it("reports an invalid TLS host", () => {
    const f = run([web, cert], ingress("i", { tls: [{ hosts: ["*"], secretName: "cert" }], rules: [rule("", path("/", "web", 80))] }));
    assert.deepEqual(reasons(f), ["InvalidHost"]);
    assert.match(f.conditions[0]?.message ?? "", /^spec\.tls\[0\]\.hosts\[0\]/u);
    assert.equal(f.virtualHosts[0]?.tls, undefined);
  });
});

describe("reconcileIngress: class and annotations", () => {
  it("contributes nothing, and reports nothing, for another class", () => {
    const f = run([web, ingressClass("nginx", "k8s.io/ingress-nginx")], ingress("i", { ingressClassName: "nginx", rules: [rule("a.com", path("/", "web", 80))] }));
    assert.deepEqual({ ...f, dependencies: [] }, { source: f.source, virtualHosts: [], tcpProxies: [], clusters: [], secrets: [], conditions: [], dependencies: [] });
    assert.deepEqual(f.dependencies, [{ kind: "IngressClass", namespace: "", name: "nginx" }]);
  });

  it("serves the configured class only", () => {
    const ing = ingress("i", { ingressClassName: "internal", rules: [rule("a.com", path("/", "web", 80))] });
    assert.deepEqual(hosts(run([web], ing, { ingressClassName: "internal" })), ["a.com"]);
    assert.deepEqual(hosts(run([web], ing)), []);
  });

  it("applies timeout, retry and websocket annotations to routes", () => {
    const f = run([web], ingress("i", { rules: [rule("a.com", path("/ws", "web", 80), path("/", "web", 80))] }, {
      annotations: {
        "projectcontour.io/response-timeout": "1m",
        "projectcontour.io/retry-on": "5xx",
        "projectcontour.io/num-retries": "3",
        "projectcontour.io/websocket-routes": "/ws",
      },
    }));
    const [ws, root] = f.virtualHosts[0]?.routes ?? [];
    assert.equal(ws?.action.kind === "forward" && ws.action.websocket, true);
    assert.equal(root?.action.kind === "forward" && root.action.websocket, false);
    assert.deepEqual(root?.action.kind === "forward" ? [root.action.timeout, root.action.retry] : [], [
      { responseMs: 60000, idleMs: null },
      { retryOn: "5xx", numRetries: 3, perTryTimeoutMs: 0, retriableStatusCodes: [] },
    ]);
  });

  it("uses the configured connect timeout", () => {
    const f = run([web], ingress("i", { rules: [rule("a.com", path("/", "web", 80))] }), { connectTimeoutMs: 250 });
    assert.equal(f.clusters[0]?.connectTimeoutMs, 250);
  });
});

describe("reconcileIngress: tls.envoy-client-certificate", () => {
  const tlsApp = service("secure", [port(443, "https"), port(80, "http")], { annotations: { "projectcontour.io/upstream-protocol.tls": "https" } });
  const client = tlsSecret("envoy-client", A_CRT, A_KEY, { namespace: "projectcontour" });
  const clientCertificate = { namespace: "projectcontour", name: "envoy-client" };
  const ing = ingress("shop", { rules: [rule("shop.example.com", path("/secure", "secure", 443), path("/plain", "secure", 80))] });

  it("is presented to TLS backends only, and carried in the fragment", () => {
    const f = run([tlsApp, client], ing, { clientCertificate });
    const byPort = new Map(f.clusters.map((c) => [c.service.port, c]));
    assert.equal(byPort.get(443)?.protocol, "tls");
    assert.match(byPort.get(443)?.clientCertificate ?? "", /^projectcontour\/envoy-client\/[0-9a-f]+$/);
    assert.equal(byPort.get(80)?.clientCertificate, undefined);
    assert.deepEqual(f.secrets.map((s) => s.name), [byPort.get(443)?.clientCertificate]);
    assert.ok(f.dependencies.some((d) => d.kind === "Secret" && d.namespace === "projectcontour" && d.name === "envoy-client"));
    // As upstream, the certificate (one for the whole controller) is not in the name: the cluster's content changes.
    const without = run([tlsApp, client], ing);
    assert.equal(byPort.get(443)?.name, "default/secure/443/4929fca9d4");
    assert.equal(without.clusters.find((c) => c.service.port === 443)?.name, byPort.get(443)?.name);
    assert.equal(without.clusters.find((c) => c.service.port === 443)?.clientCertificate, undefined);
    assert.equal(without.clusters.find((c) => c.service.port === 80)?.name, byPort.get(80)?.name);
    assert.deepEqual(without.secrets, []);
    // An Ingress without TLS backends neither carries nor depends on it.
    const plainOnly = run([tlsApp, client], ingress("plain", { rules: [rule("plain.example.com", path("/", "secure", 80))] }), { clientCertificate });
    assert.deepEqual(plainOnly.secrets, []);
    assert.ok(!plainOnly.dependencies.some((d) => d.kind === "Secret"));
  });

  it("drops only the TLS backends' paths when the Secret is missing, naming the setting", () => {
    const f = run([tlsApp], ing, { clientCertificate });
    assert.deepEqual(paths(f, "shop.example.com"), ["prefix:/plain"]);
    const problem = f.conditions.find((c) => c.reason === "SecretNotFound");
    assert.match(problem?.message ?? "", /^spec\.rules\[0\]\.http\.paths\[0\]\.backend\.service: tls\.envoy-client-certificate: Secret .*projectcontour\/envoy-client.* not found.*; the path is not served$/);
    assert.ok(f.dependencies.some((d) => d.kind === "Secret" && d.name === "envoy-client"), "served once the Secret appears");
  });
});
