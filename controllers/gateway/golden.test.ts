/**
 * Golden files in Envoy Gateway's style: `testdata/golden/<case>.in.yaml` (objects as a reviewer
 * reads them) → `<case>.out.json` (every status the controller would write, the listener model,
 * port allocations, virtual hosts and clusters). Regenerate with `UPDATE_GOLDEN=1 npx mocha ...`
 * after a deliberate change and review the diff; a missing golden file fails.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import type { KubernetesObject } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import type { BackendTLSPolicy } from "../../crds/types/gateway-api/backendtlspolicy.js";
import type { Gateway, GatewayClass } from "../../crds/types/gateway-api/gateway.js";
import type { HTTPRoute } from "../../crds/types/gateway-api/httproute.js";
import { A_CRT, A_KEY, CA_CRT } from "../source/testdata/certs.js";
import { backendTlsLookup, policyAncestors, reconcileBackendTLSPolicy } from "./backend-tls-policy.js";
import { reconcileGatewayClass } from "./gateway-class.js";
import { allocateGatewayPorts } from "./port-allocation.js";
import { reconcileGateway, type GatewayResult } from "./reconcile-gateway.js";
import { reconcileHTTPRoute } from "./reconcile-httproute.js";
import { backendTlsPolicyStatus, countAttachedRoutes, gatewayClassStatus, gatewayStatus, httpRouteStatus, listenerSetStatus } from "./status-views.js";
import { objectsOf } from "./testdata/fixtures.js";

// Tests run from dist/; golden files live in the source tree so that updates land in git.
const GOLDEN = new URL("../../../controllers/gateway/testdata/golden/", import.meta.url);
const CONTROLLER = "projectcontour.io/gateway-controller";
const stampOf = (o: KubernetesObject) => ({ generation: o.metadata?.generation ?? 0, now: "2026-01-01T00:00:00Z" });
const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");
const key = (o: KubernetesObject): string => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

function load(text: string): KubernetesObject[] {
  const filled = text.replaceAll("${A_CRT}", b64(A_CRT)).replaceAll("${A_KEY}", b64(A_KEY)).replaceAll("${CA_PEM}", CA_CRT.replaceAll("\n", "\\n"));
  return parseAllDocuments(filled).map((d) => d.toJS() as KubernetesObject);
}

/** The whole Gateway API core run over a set of objects, as the pipeline will run it. */
function render(objs: KubernetesObject[]): string {
  const objects = objectsOf(...objs);
  const of = <T extends KubernetesObject>(kind: string): T[] => objects.list<T>(kind) as T[];
  const classes = Object.fromEntries(of<GatewayClass>("GatewayClass").flatMap((gc) => {
    const r = reconcileGatewayClass(objects, gc);
    return r.ours ? [[gc.metadata?.name ?? "", gatewayClassStatus(r, undefined, stampOf(gc))]] : [];
  }));
  const policies = of<BackendTLSPolicy>("BackendTLSPolicy").map((p) => ({ p, r: reconcileBackendTLSPolicy(objects, p) }));
  const gateways = new Map<string, { gw: Gateway; r: GatewayResult }>();
  for (const gw of of<Gateway>("Gateway")) gateways.set(key(gw), { gw, r: reconcileGateway(objects, gw, { assignedAddresses: [{ type: "IPAddress", value: "198.18.0.10" }] }) });
  const lookup = (ns: string, name: string) => gateways.get(`${ns}/${name}`)?.r;
  const routes = of<HTTPRoute>("HTTPRoute").map((route) => ({ route, r: reconcileHTTPRoute(objects, route, { gateways: lookup, backendTls: backendTlsLookup(policies.map((p) => p.r)) }) }));
  const counts = countAttachedRoutes(routes.map((x) => x.r));
  const claims = [...gateways.values()].flatMap(({ gw, r }) => (r.ours ? [...new Set(r.model.map((l) => l.port))].map((port) => ({ gateway: key(gw), port })) : []));
  const out = {
    gatewayClasses: classes,
    gateways: Object.fromEntries([...gateways.entries()].flatMap(([k, { gw, r }]) => (r.ours ? [[k, { status: gatewayStatus(r, counts, [{ type: "IPAddress", value: "198.18.0.10" }], undefined, stampOf(gw)), listeners: r.model, secrets: r.secrets.map((s) => s.name), infrastructure: r.infrastructure }]] : []))),
    listenerSets: Object.fromEntries([...gateways.values()].flatMap(({ r }) => (r.ours ? r.listenerSets.map((v) => [`${v.source.namespace}/${v.source.name}`, listenerSetStatus(v, counts, undefined, { generation: 1, now: "2026-01-01T00:00:00Z" })]) : []))),
    portAllocations: allocateGatewayPorts(claims, [], { min: 10000, max: 10999 }),
    httpRoutes: Object.fromEntries(routes.map(({ route, r }) => [key(route), { status: httpRouteStatus(r, CONTROLLER, undefined, stampOf(route)), virtualHosts: r.virtualHosts, clusters: r.clusters, secrets: r.secrets.map((s) => s.name) }])),
    backendTLSPolicies: Object.fromEntries(policies.map(({ p, r }) => [key(p), backendTlsPolicyStatus(r, policyAncestors(r.targets, routes.map((x) => x.r)), CONTROLLER, undefined, stampOf(p))])),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

describe("Gateway API golden files", () => {
  const cases = readdirSync(GOLDEN).filter((f) => f.endsWith(".in.yaml")).map((f) => f.slice(0, -".in.yaml".length)).sort();
  it("has cases", () => assert.ok(cases.length >= 2));
  for (const name of cases) {
    it(name, () => {
      const got = render(load(readFileSync(new URL(`${name}.in.yaml`, GOLDEN), "utf8")));
      const file = new URL(`${name}.out.json`, GOLDEN);
      if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(file, got);
      assert.equal(got, readFileSync(file, "utf8"), `golden file ${name}.out.json differs; rerun with UPDATE_GOLDEN=1 if the change is intended`);
      assert.equal(render(load(readFileSync(new URL(`${name}.in.yaml`, GOLDEN), "utf8"))), got, "rendering must be deterministic");
    });
  }
});
