import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Gateway } from "../../crds/types/gateway-api/gateway.js";
import type { Condition } from "../store/fragment.js";
import { reconcileGateway, type GatewayReconcileOptions, type GatewayResult } from "./reconcile-gateway.js";
import { caConfigMap, gateway, gatewayClass, http, https, listenerSet, namespace, objectsOf, referenceGrant, secret } from "./testdata/fixtures.js";

const cls = gatewayClass("contour");
const assigned: GatewayReconcileOptions = { assignedAddresses: [{ type: "IPAddress", value: "198.18.0.10" }] };
const short = (cs: readonly Condition[]): string => cs.map((c) => `${c.type}=${c.status}:${c.reason}`).join(" ");
type Ours = Extract<GatewayResult, { ours: true }>;
function run(gw: Gateway, objs: KubernetesObject[] = [], options: GatewayReconcileOptions = assigned): Ours {
  const r = reconcileGateway(objectsOf(cls, gw, ...objs), gw, options);
  assert.ok(r.ours, "gateway should be ours");
  return r;
}
const listener = (r: Ours, name: string): string => short(r.listeners.find((l) => l.name === name)?.conditions ?? []);
const gwConditions = (r: Ours): string => short(r.conditions);
const OK_LISTENER = "Accepted=True:Accepted Conflicted=False:NoConflicts Programmed=True:Programmed ResolvedRefs=True:ResolvedRefs";
const OK_GATEWAY = "Accepted=True:Accepted Programmed=True:Programmed ResolvedRefs=True:ResolvedRefs";

describe("reconcileGateway: Gateway and listener conditions", () => {
  it("ignores Gateways of classes that are not ours or missing", () => {
    const other = gatewayClass("other", "example.com/other");
    const gw = gateway("infra", "gw", [http("http")], { gatewayClassName: "other" });
    assert.equal(reconcileGateway(objectsOf(other, gw), gw).ours, false);
    const missing = gateway("infra", "gw", [http("http")], { gatewayClassName: "nope" });
    const r = reconcileGateway(objectsOf(missing), missing);
    assert.equal(r.ours, false);
    assert.deepEqual(r.dependencies, [{ kind: "GatewayClass", namespace: "", name: "nope" }]);
  });

  it("accepts and programs valid HTTP and HTTPS listeners, with a listener model", () => {
    const r = run(gateway("infra", "gw", [http("http"), https("https", "cert", 443, { hostname: "*.example.com" })]), [secret("infra", "cert")]);
    assert.equal(gwConditions(r), OK_GATEWAY);
    assert.equal(listener(r, "http"), OK_LISTENER);
    assert.equal(listener(r, "https"), OK_LISTENER);
    assert.deepEqual(r.listeners.map((l) => l.supportedKinds), [[{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }, { group: "gateway.networking.k8s.io", kind: "GRPCRoute" }], [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }, { group: "gateway.networking.k8s.io", kind: "GRPCRoute" }]]);
    assert.deepEqual(r.model.map((l) => [l.name, l.port, l.protocol, l.hostname ?? "", l.tls?.certificates.length ?? 0, l.allowedRoutes.from]), [["http", 80, "HTTP", "", 0, "Same"], ["https", 443, "HTTPS", "*.example.com", 1, "Same"]]);
    assert.equal(r.secrets.length, 1);
    assert.match(r.secrets[0]?.name ?? "", /^infra\/cert\/[0-9a-f]{10}$/);
    assert.ok(r.dependencies.some((d) => d.kind === "Secret" && d.name === "cert"));
  });

  it("Programmed=False AddressNotAssigned until the Service has an address; AddressNotUsable for a requested IP it lacks", () => {
    assert.equal(gwConditions(run(gateway("infra", "gw", [http("http")]), [], {})), "Accepted=True:Accepted Programmed=False:AddressNotAssigned ResolvedRefs=True:ResolvedRefs");
    const want = gateway("infra", "gw", [http("http")], { addresses: [{ type: "IPAddress", value: "198.18.0.99" }] });
    assert.equal(gwConditions(run(want)), "Accepted=True:Accepted Programmed=False:AddressNotUsable ResolvedRefs=True:ResolvedRefs");
    assert.deepEqual(run(want).requestedAddresses, ["198.18.0.99"]);
    const hostname = gateway("infra", "gw", [http("http")], { addresses: [{ type: "Hostname", value: "lb.example.com" }] });
    assert.equal(gwConditions(run(hostname)), "Accepted=False:UnsupportedAddress Programmed=False:Invalid ResolvedRefs=True:ResolvedRefs");
    const empty = gateway("infra", "gw", [http("http")], { addresses: [{ type: "IPAddress" }] });
    assert.equal(gwConditions(run(empty)), OK_GATEWAY);
  });

  it("refuses unsupported protocols; the Gateway is accepted while one listener is valid", () => {
    const only = run(gateway("infra", "gw", [{ name: "invalid", port: 9000, protocol: "example.com/foo" }]));
    assert.match(gwConditions(only), /^Accepted=False:ListenersNotValid Programmed=False:Invalid/);
    assert.match(listener(only, "invalid"), /^Accepted=False:UnsupportedProtocol .*Programmed=False:Invalid/);
    assert.deepEqual(only.listeners[0]?.supportedKinds, []);
    const mixed = run(gateway("infra", "gw", [http("http"), { name: "invalid", port: 9000, protocol: "SCTP" }]));
    assert.match(gwConditions(mixed), /^Accepted=True:ListenersNotValid Programmed=True:Programmed/);
    assert.equal(listener(mixed, "http"), OK_LISTENER);
    assert.deepEqual(mixed.model.map((l) => l.name), ["http"]);
  });

  it("reports conflicts: every indistinct listener of one Gateway loses", () => {
    const r = run(gateway("infra", "gw", [http("a", 80, { hostname: "a.com" }), http("b", 80, { hostname: "a.com" }), http("c", 8080), https("d", "cert", 8080)]), [secret("infra", "cert")]);
    assert.equal(listener(r, "a"), "Accepted=False:HostnameConflict Conflicted=True:HostnameConflict Programmed=False:HostnameConflict ResolvedRefs=True:ResolvedRefs");
    assert.equal(listener(r, "b"), listener(r, "a"));
    assert.match(listener(r, "c"), /^Accepted=False:ProtocolConflict Conflicted=True:ProtocolConflict/);
    assert.match(gwConditions(r), /^Accepted=False:ListenersNotValid/);
  });

  it("reports invalid route kinds and keeps the valid ones in supportedKinds", () => {
    const onlyBad = run(gateway("infra", "gw", [http("http", 80, { allowedRoutes: { kinds: [{ kind: "FooRoute" }] } })]));
    assert.equal(listener(onlyBad, "http"), "Accepted=True:Accepted Conflicted=False:NoConflicts Programmed=True:Programmed ResolvedRefs=False:InvalidRouteKinds");
    assert.deepEqual(onlyBad.listeners[0]?.supportedKinds, []);
    const mixed = run(gateway("infra", "gw", [http("http", 80, { allowedRoutes: { kinds: [{ kind: "HTTPRoute" }, { kind: "FooRoute" }] } })]));
    assert.deepEqual(mixed.listeners[0]?.supportedKinds, [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute" }]);
  });

  const certCases: { name: string; listener: ReturnType<typeof https>; objs: KubernetesObject[]; want: string }[] = [
    { name: "nonexistent Secret", listener: https("https", "missing"), objs: [], want: "ResolvedRefs=False:InvalidCertificateRef" },
    { name: "unsupported group", listener: { ...https("https", "cert"), tls: { certificateRefs: [{ group: "wrong.group", kind: "Secret", name: "cert" }] } }, objs: [secret("infra", "cert")], want: "ResolvedRefs=False:InvalidCertificateRef" },
    { name: "unsupported kind", listener: { ...https("https", "cert"), tls: { certificateRefs: [{ kind: "ConfigMap", name: "cert" }] } }, objs: [secret("infra", "cert")], want: "ResolvedRefs=False:InvalidCertificateRef" },
    { name: "malformed Secret", listener: https("https", "bad"), objs: [secret("infra", "bad", { "tls.crt": "garbage", "tls.key": "garbage" })], want: "ResolvedRefs=False:InvalidCertificateRef" },
    { name: "other namespace without a grant", listener: https("https", "cert", 443, {}, "certs"), objs: [secret("certs", "cert")], want: "ResolvedRefs=False:RefNotPermitted" },
    {
      name: "other namespace with a grant",
      listener: https("https", "cert", 443, {}, "certs"),
      objs: [secret("certs", "cert"), referenceGrant("certs", "g", [{ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "infra" }], [{ group: "", kind: "Secret" }])],
      want: "ResolvedRefs=True:ResolvedRefs",
    },
  ];
  for (const t of certCases) {
    it(`certificateRefs: ${t.name}`, () => {
      const r = run(gateway("infra", "gw", [t.listener]), t.objs);
      const got = listener(r, "https");
      assert.ok(got.endsWith(t.want), got);
      if (!t.want.includes("True")) assert.match(got, /Programmed=False:Invalid/);
      assert.match(r.listeners[0]?.conditions.find((c) => c.type === "ResolvedRefs")?.message ?? "", /^(spec\.listeners\[0\]\.tls\.certificateRefs\[0\]|references)/);
    });
  }

  it("serves every certificateRef that resolves and names each one that does not", () => {
    const refs = [{ name: "rsa" }, { name: "missing" }, { name: "ecdsa" }, { name: "cert", namespace: "certs" }];
    const r = run(gateway("infra", "gw", [{ ...https("https", "rsa"), tls: { certificateRefs: refs } }]), [secret("infra", "rsa"), secret("infra", "ecdsa"), secret("certs", "cert")]);
    assert.equal(listener(r, "https"), "Accepted=True:Accepted Conflicted=False:NoConflicts Programmed=True:Programmed ResolvedRefs=False:InvalidCertificateRef");
    const message = r.listeners[0]?.conditions.find((c) => c.type === "ResolvedRefs")?.message ?? "";
    assert.match(message, /^spec\.listeners\[0\]\.tls\.certificateRefs\[1\]: Secret "infra\/missing" not found; spec\.listeners\[0\]\.tls\.certificateRefs\[3\]: .*ReferenceGrant.*; the other 2 certificates are served$/);
    // In the order given: the first is the one Envoy falls back to for a client whose SNI no certificate names.
    assert.deepEqual(r.model[0]?.tls?.certificates.map((n) => n.split("/")[1]), ["rsa", "ecdsa"]);
    const notPermitted = run(gateway("infra", "gw", [{ ...https("https", "rsa"), tls: { certificateRefs: [{ name: "cert", namespace: "certs" }, { name: "rsa" }] } }]), [secret("infra", "rsa"), secret("certs", "cert")]);
    assert.match(listener(notPermitted, "https"), /Programmed=True:Programmed ResolvedRefs=False:RefNotPermitted$/);
    const none = run(gateway("infra", "gw", [{ ...https("https", "rsa"), tls: { certificateRefs: [{ name: "missing" }, { name: "gone" }] } }]));
    assert.match(listener(none, "https"), /Programmed=False:Invalid ResolvedRefs=False:InvalidCertificateRef$/);
    assert.doesNotMatch(none.listeners[0]?.conditions.find((c) => c.type === "ResolvedRefs")?.message ?? "", /served/);
  });

  it("validates frontend client certificates: CA kinds, references and fallback mode", () => {
    const grant = referenceGrant("cas", "g", [{ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "infra" }], [{ group: "", kind: "ConfigMap" }]);
    const gw = gateway("infra", "gw", [https("https", "cert"), https("https-unresolved", "cert", 8443), https("https-invalid-kind", "cert", 9443), https("https-grant-missing", "cert", 10443), https("https-granted", "cert", 11443)], {
      tls: {
        frontend: {
          default: { validation: { caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "ca" }], mode: "AllowInsecureFallback" } },
          perPort: [
            { port: 8443, tls: { validation: { caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "missing" }] } } },
            { port: 9443, tls: { validation: { caCertificateRefs: [{ group: "example.com", kind: "Thing", name: "ca" }] } } },
            { port: 10443, tls: { validation: { caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "ca", namespace: "other" }] } } },
            { port: 11443, tls: { validation: { caCertificateRefs: [{ group: "", kind: "ConfigMap", name: "ca", namespace: "cas" }] } } },
          ],
        },
      },
    });
    const r = run(gw, [secret("infra", "cert"), caConfigMap("infra", "ca"), caConfigMap("other", "ca"), caConfigMap("cas", "ca"), grant]);
    assert.equal(listener(r, "https"), OK_LISTENER);
    assert.equal(listener(r, "https-unresolved"), "Accepted=False:NoValidCACertificate Conflicted=False:NoConflicts Programmed=False:Invalid ResolvedRefs=False:InvalidCACertificateRef");
    assert.match(listener(r, "https-invalid-kind"), /^Accepted=False:NoValidCACertificate .* ResolvedRefs=False:InvalidCACertificateKind$/);
    assert.match(listener(r, "https-grant-missing"), /^Accepted=False:NoValidCACertificate .* ResolvedRefs=False:RefNotPermitted$/);
    assert.equal(listener(r, "https-granted"), OK_LISTENER);
    assert.match(gwConditions(r), /InsecureFrontendValidationMode=True:ConfigurationChanged$/);
    const https443 = r.model.find((l) => l.name === "https");
    assert.equal(https443?.tls?.clientValidation?.optional, true);
    assert.ok(r.secrets.some((s) => s.name === https443?.tls?.clientValidation?.caSecret && s.caCertificate !== undefined));
  });

  it("resolves the backend client certificate", () => {
    const bad = run(gateway("infra", "gw", [http("http")], { tls: { backend: { clientCertificateRef: { name: "missing" } } } }));
    assert.equal(gwConditions(bad), "Accepted=True:Accepted Programmed=True:Programmed ResolvedRefs=False:InvalidClientCertificateRef");
    const other = run(gateway("infra", "gw", [http("http")], { tls: { backend: { clientCertificateRef: { name: "c", namespace: "x" } } } }), [secret("x", "c")]);
    assert.match(gwConditions(other), /ResolvedRefs=False:RefNotPermitted$/);
  });

  it("refuses an unresolvable infrastructure.parametersRef with InvalidParameters", () => {
    const r = run(gateway("infra", "gw", [http("http")], { infrastructure: { parametersRef: { group: "example.com", kind: "Params", name: "p" }, labels: { team: "a" } } }));
    assert.match(gwConditions(r), /^Accepted=False:InvalidParameters/);
    assert.deepEqual(r.model, []);
    assert.deepEqual(r.infrastructure, { labels: { team: "a" }, annotations: {} });
  });
});

describe("reconcileGateway: ListenerSets", () => {
  const allowAll = { allowedListeners: { namespaces: { from: "All" as const } } };
  it("does not let ListenerSets attach by default", () => {
    const r = run(gateway("infra", "gw", [http("http")]), [listenerSet("infra", "ls", { name: "gw" }, [http("extra", 8080)])]);
    assert.equal(short(r.listenerSets[0]?.conditions ?? []), "Accepted=False:NotAllowed Programmed=False:NotAllowed");
    assert.equal(r.attachedListenerSets, 0);
    assert.deepEqual(r.model.map((l) => l.name), ["http"]);
  });

  it("applies listener precedence: the Gateway, then older ListenerSets", () => {
    const gw = gateway("infra", "gw", [http("gateway-listener", 80, { hostname: "a.com" })], allowAll);
    const ls1 = listenerSet("apps", "ls-1", { name: "gw", namespace: "infra" }, [http("ok-1", 80, { hostname: "b.com" }), http("vs-gateway", 80, { hostname: "a.com" }), http("vs-later", 80, { hostname: "c.com" })], "2026-01-01T00:00:00Z");
    const ls2 = listenerSet("apps", "ls-2", { name: "gw", namespace: "infra" }, [http("vs-earlier", 80, { hostname: "c.com" })], "2026-01-02T00:00:00Z");
    const r = run(gw, [ls2, ls1]);
    assert.deepEqual(r.listenerSets.map((v) => [v.source.name, short(v.conditions)]), [["ls-1", "Accepted=True:Accepted Programmed=True:Programmed"], ["ls-2", "Accepted=False:ListenersNotValid Programmed=False:ListenersNotValid"]]);
    const ls1Listeners = r.listenerSets[0]?.listeners.map((l) => [l.name, l.conditions[0]?.reason]);
    assert.deepEqual(ls1Listeners, [["ok-1", "Accepted"], ["vs-gateway", "HostnameConflict"], ["vs-later", "Accepted"]]);
    assert.equal(r.listenerSets[1]?.listeners[0]?.conditions[0]?.reason, "HostnameConflict");
    assert.equal(r.attachedListenerSets, 1);
    assert.deepEqual(r.model.map((l) => `${l.source.kind}/${l.source.name}/${l.name}`), ["Gateway/gw/gateway-listener", "ListenerSet/ls-1/ok-1", "ListenerSet/ls-1/vs-later"]);
    assert.equal(r.model[1]?.allowedRoutes.namespace, "apps");
  });

  it("honours allowedListeners Same and Selector", () => {
    const same = run(gateway("infra", "gw", [http("http")], { allowedListeners: { namespaces: { from: "Same" } } }), [listenerSet("infra", "here", { name: "gw" }, [http("x", 81)]), listenerSet("apps", "there", { name: "gw", namespace: "infra" }, [http("y", 82)])]);
    assert.deepEqual(same.listenerSets.map((v) => [v.source.name, v.conditions[0]?.reason]), [["there", "NotAllowed"], ["here", "Accepted"]]);
    const sel = run(gateway("infra", "gw", [http("http")], { allowedListeners: { namespaces: { from: "Selector", selector: { matchLabels: { team: "a" } } } } }), [
      namespace("apps", { team: "a" }),
      namespace("other"),
      listenerSet("apps", "yes", { name: "gw", namespace: "infra" }, [http("x", 81)]),
      listenerSet("other", "no", { name: "gw", namespace: "infra" }, [http("y", 82)]),
    ]);
    assert.deepEqual(sel.listenerSets.map((v) => [v.source.name, v.conditions[0]?.reason]), [["yes", "Accepted"], ["no", "NotAllowed"]]);
  });

  it("refuses a ListenerSet whose listeners cannot be served, and serves none of them", () => {
    const gw = gateway("infra", "gw", [http("http")], allowAll);
    const ls = listenerSet("apps", "ls", { name: "gw", namespace: "infra" }, [https("tls", "cert", 443, {}, "infra")]);
    const r = run(gw, [ls, secret("infra", "cert")]);
    assert.equal(short(r.listenerSets[0]?.conditions ?? []), "Accepted=False:ListenersNotValid Programmed=False:ListenersNotValid");
    assert.match(short(r.listenerSets[0]?.listeners[0]?.conditions ?? []), /ResolvedRefs=False:RefNotPermitted$/);
    assert.deepEqual(r.model.map((l) => l.name), ["http"]);
    assert.equal(r.attachedListenerSets, 0);
  });

  it("tells ListenerSets when the parent Gateway is not accepted", () => {
    const r = run(gateway("infra", "gw", [{ name: "bad", port: 1, protocol: "SCTP" }], allowAll), [listenerSet("infra", "ls", { name: "gw" }, [http("x", 81)])]);
    assert.equal(short(r.listenerSets[0]?.conditions ?? []), "Accepted=False:ParentNotAccepted Programmed=False:ParentNotAccepted");
    assert.deepEqual(r.model, []);
  });
});
