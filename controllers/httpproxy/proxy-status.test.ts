import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { HTTPProxy, HTTPProxySpec } from "../../crds/types/httpproxy.js";
import { buildHTTPProxyStatus, proxyStatusView, MAX_SUBCONDITIONS } from "./proxy-status.js";
import { reconcileHTTPProxy } from "./reconcile-httpproxy.js";
import { createModelStore } from "../store/model-store.js";
import { keyOf } from "../source/object-cache.js";
import { cacheOf, port, service, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY, B_KEY } from "../source/testdata/certs.js";
import { httpProxy, include, prefixRoute, rootProxy, to } from "./testdata/fixtures.js";
import { isRootProxy } from "./walk-context.js";

const web = service("web", [port(80)]);
const route = prefixRoute("/", [to("web", 80)]);

/** Every proxy's status view after reconciling all roots into one store, as the pipeline does. */
function statuses(objects: KubernetesObject[], rootNamespaces: string[] = []): Map<string, ReturnType<typeof proxyStatusView>> {
  const cache = cacheOf(...objects);
  const store = createModelStore();
  const proxies = cache.list<HTTPProxy>("HTTPProxy");
  for (const p of proxies) if (isRootProxy(p)) store.put(keyOf("HTTPProxy", p), reconcileHTTPProxy(cache, p, { rootNamespaces }));
  const out = new Map<string, ReturnType<typeof proxyStatusView>>();
  for (const p of proxies) {
    const key = keyOf("HTTPProxy", p);
    out.set(`${key.namespace}/${key.name}`, proxyStatusView(isRootProxy(p) ? store.conditions(key) : store.relatedConditions(key), p.metadata?.generation));
  }
  return out;
}

const root = (spec: Omit<HTTPProxySpec, "virtualhost"> & { vhost?: NonNullable<HTTPProxySpec["virtualhost"]> extends infer V ? Omit<V, "fqdn"> : never }, name = "root", fqdn = "a.com"): HTTPProxy =>
  rootProxy(name, fqdn, spec, { namespace: "default" });

describe("HTTPProxy status: every reason, filed under upstream's type", () => {
  const child = (spec: HTTPProxySpec, name = "child"): HTTPProxy => httpProxy(name, spec);
  const table: { reason: string; type: string; of?: string; objects: KubernetesObject[]; rootNamespaces?: string[] }[] = [
    { reason: "RootProxyNotAllowedInNamespace", type: "RootNamespaceError", objects: [web, root({ routes: [route] })], rootNamespaces: ["roots"] },
    { reason: "IncludeCreatesCycle", type: "IncludeError", of: "child", objects: [web, root({ includes: [include("child", "/c")] }), child({ includes: [include("child", "/again")], routes: [route] })] },
    { reason: "RootIncludesRoot", type: "IncludeError", objects: [web, root({ includes: [include("other", "/o")] }), root({ routes: [route] }, "other", "b.com")] },
    { reason: "IncludeNotFound", type: "IncludeError", objects: [web, root({ includes: [include("ghost", "/g")] })] },
    { reason: "DuplicateMatchConditions", type: "IncludeError", objects: [web, root({ includes: [include("child", "/x"), include("child", "/x")] }), child({ routes: [route] })] },
    { reason: "DuplicateVhost", type: "VirtualHostError", objects: [web, root({ routes: [route] }), root({ routes: [route] }, "again")] },
    { reason: "PathMatchConditionsNotValid", type: "RouteError", of: "child", objects: [web, root({ includes: [include("child")] }), child({ routes: [{ conditions: [{ regex: "/(a" }], services: [to("web", 80)] }] })] },
    { reason: "HeaderMatchConditionsNotValid", type: "RouteError", objects: [web, root({ routes: [{ conditions: [{ header: { name: "x", present: true } }, { header: { name: "X", notpresent: true } }], services: [to("web", 80)] }] })] },
    { reason: "QueryParameterMatchConditionsNotValid", type: "RouteError", objects: [web, root({ routes: [{ conditions: [{ queryParameter: { name: "q" } }], services: [to("web", 80)] }] })] },
    { reason: "ServiceUnresolvedReference", type: "ServiceError", objects: [web, root({ routes: [prefixRoute("/", [to("ghost", 80)])] })] },
    { reason: "SecretNotValid", type: "TLSError", objects: [web, tlsSecret("s", A_CRT, B_KEY), root({ vhost: { tls: { secretName: "s" } }, routes: [route] })] },
    { reason: "DelegationNotPermitted", type: "TLSError", objects: [web, tlsSecret("s", A_CRT, A_KEY, { namespace: "certs" }), root({ vhost: { tls: { secretName: "certs/s" } }, routes: [route] })] },
    { reason: "NothingDefined", type: "SpecError", objects: [web, root({})] },
    { reason: "TLSMustBeConfigured", type: "TCPProxyError", objects: [web, root({ tcpproxy: { services: [to("web", 80)] } })] },
    { reason: "InvalidCIDR", type: "IPFilterError", objects: [web, root({ routes: [prefixRoute("/", [to("web", 80)], { ipAllowPolicy: [{ source: "Peer", cidr: "nope" }] })] })] },
    { reason: "PolicyDidNotParse", type: "CORSError", objects: [web, root({ vhost: { corsPolicy: { allowOrigin: [], allowMethods: ["GET"] } }, routes: [route] })] },
    { reason: "RateLimitPolicyNotValid", type: "VirtualHostError", objects: [web, root({ vhost: { rateLimitPolicy: { local: { requests: 0, unit: "second" } } }, routes: [route] })] },
    { reason: "Orphaned", type: "Orphaned", of: "child", objects: [web, child({ routes: [route] })] },
  ];
  for (const t of table) {
    it(t.reason, () => {
      const view = statuses(t.objects, t.rootNamespaces).get(`default/${t.of ?? "root"}`);
      assert.ok(view !== undefined);
      assert.equal(view.currentStatus, t.reason === "Orphaned" ? "orphaned" : "invalid");
      assert.deepEqual(view.errors.map((e) => [e.type, e.reason]).find(([, r]) => r === t.reason), [t.type, t.reason], JSON.stringify(view.errors));
      for (const e of view.errors) assert.match(e.message, /\S/u);
    });
  }
});

describe("HTTPProxy status: views and the status written", () => {
  it("is valid, invalid with errors, or orphaned, with upstream's descriptions", () => {
    const valid = proxyStatusView([{ type: "Valid", status: "True", reason: "Valid", message: "Valid HTTPProxy" }, { type: "Warning", status: "True", reason: "IgnoredField", message: "m", category: "RouteError" }], 2);
    assert.deepEqual(valid, {
      currentStatus: "valid",
      description: "Valid HTTPProxy",
      valid: { status: "True", reason: "Valid", message: "Valid HTTPProxy" },
      errors: [],
      warnings: [{ type: "RouteError", status: "True", reason: "IgnoredField", message: "m" }],
      generation: 2,
    });
    const invalid = proxyStatusView([{ type: "Valid", status: "False", reason: "SecretNotValid", message: "spec.virtualhost.tls.secretName: bad", category: "TLSError" }], 1);
    assert.deepEqual([invalid.currentStatus, invalid.description, invalid.valid.reason], ["invalid", "At least one error present, see Errors for details", "ErrorPresent"]);
    const orphan = proxyStatusView(undefined, 1);
    assert.deepEqual([orphan.currentStatus, orphan.description, orphan.errors[0]?.type], ["orphaned", "this HTTPProxy is not part of a delegation chain from a root HTTPProxy", "Orphaned"]);
  });

  it("keeps lastTransitionTime while the Valid status holds, other condition types, and sets the load balancer", () => {
    const view = proxyStatusView([{ type: "Valid", status: "True", reason: "Valid", message: "Valid HTTPProxy" }], 5);
    const lb = { ingress: [{ ip: "192.0.2.1" }] };
    const first = buildHTTPProxyStatus(view, { currentStatus: "NotReconciled", description: "Waiting for controller" }, lb, "2026-01-01T00:00:00Z");
    assert.deepEqual(first, {
      currentStatus: "valid",
      description: "Valid HTTPProxy",
      loadBalancer: lb,
      conditions: [{ type: "Valid", status: "True", observedGeneration: 5, lastTransitionTime: "2026-01-01T00:00:00Z", reason: "Valid", message: "Valid HTTPProxy" }],
    });
    const other = { type: "example.com/Custom", status: "True" as const, lastTransitionTime: "2025-01-01T00:00:00Z", reason: "X", message: "kept" };
    const again = buildHTTPProxyStatus(view, { ...first, conditions: [...(first.conditions ?? []), other] }, lb, "2026-02-02T00:00:00Z");
    assert.equal(again.conditions?.[0]?.lastTransitionTime, "2026-01-01T00:00:00Z");
    assert.deepEqual(again.conditions?.[1], other);
    const broken = buildHTTPProxyStatus(proxyStatusView(undefined, 6), again, lb, "2026-03-03T00:00:00Z");
    assert.equal(broken.conditions?.[0]?.lastTransitionTime, "2026-03-03T00:00:00Z");
    assert.equal(broken.conditions?.[0]?.observedGeneration, 6);
  });

  it("caps errors so a proxy with thousands of problems still gets a status the API server accepts", () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ type: "Valid", status: "False" as const, reason: "ServiceUnresolvedReference", message: `spec.routes[${i}]`, category: "ServiceError" }));
    const view = proxyStatusView(many, 1);
    assert.equal(view.errors.length, MAX_SUBCONDITIONS);
    assert.equal(view.errors.at(-1)?.message, `${5000 - MAX_SUBCONDITIONS + 1} more errors not shown`);
  });
});
