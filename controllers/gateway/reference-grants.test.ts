import assert from "node:assert/strict";
import { indexReferenceGrants, referencePermitted } from "./reference-grants.js";
import { createDependencySet } from "./objects.js";
import { objectsOf, referenceGrant } from "./testdata/fixtures.js";

const routeFrom = (namespace: string) => ({ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace });
const svc = (namespace: string, name: string) => ({ group: "", kind: "Service", namespace, name });

describe("ReferenceGrant index", () => {
  const grants = [
    referenceGrant("backends", "all-services", [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "apps" }], [{ group: "", kind: "Service" }]),
    referenceGrant("certs", "one-secret", [{ group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "infra" }], [{ group: "", kind: "Secret", name: "wild" }]),
  ];
  const index = indexReferenceGrants(grants);
  const table: { name: string; from: { group: string; kind: string; namespace: string }; to: { group: string; kind: string; namespace: string; name: string }; want: boolean }[] = [
    { name: "same namespace needs no grant", from: routeFrom("apps"), to: svc("apps", "web"), want: true },
    { name: "granted kind, any name", from: routeFrom("apps"), to: svc("backends", "web"), want: true },
    { name: "other referring namespace", from: routeFrom("other"), to: svc("backends", "web"), want: false },
    { name: "other referring kind", from: { ...routeFrom("apps"), kind: "GRPCRoute" }, to: svc("backends", "web"), want: false },
    { name: "other target kind", from: routeFrom("apps"), to: { group: "", kind: "Secret", namespace: "backends", name: "web" }, want: false },
    { name: "a grant never reaches another namespace", from: routeFrom("apps"), to: svc("elsewhere", "web"), want: false },
    { name: "named grant: that name", from: { group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "infra" }, to: { group: "", kind: "Secret", namespace: "certs", name: "wild" }, want: true },
    { name: "named grant: another name", from: { group: "gateway.networking.k8s.io", kind: "Gateway", namespace: "infra" }, to: { group: "", kind: "Secret", namespace: "certs", name: "other" }, want: false },
  ];
  for (const t of table) it(t.name, () => assert.equal(index.permits(t.from, t.to), t.want));

  it("referencePermitted reads the target namespace's grants and depends on them", () => {
    const deps = createDependencySet();
    assert.equal(referencePermitted(objectsOf(...grants), deps, routeFrom("apps"), svc("backends", "web")), true);
    assert.deepEqual(deps.sorted(), [{ kind: "ReferenceGrant", namespace: "backends", name: "*" }]);
    const same = createDependencySet();
    assert.equal(referencePermitted(objectsOf(), same, routeFrom("apps"), svc("apps", "web")), true);
    assert.deepEqual(same.sorted(), []);
  });
});
