// Tenants cannot reach past what they were given (contour serve --root-namespaces=roots): a team's proxy
// cannot claim a host, a second root cannot take a host over, a Secret of another namespace is out of reach
// without a delegation, and a proxy reaches a host only where a root includes it.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import type { HTTPProxy } from "../../crds/index.js";
import { createHTTPProxy, deleteHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, createTlsSecret, ensureNamespace } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { httpGet, type HttpResponse } from "../harness/index.js";

const ROOTS = "roots";
const TEAM_A = "team-a";
const TEAM_B = "team-b";

const nameOf = (res: HttpResponse): string => (res.status === 200 ? res.json<{ name: string }>().name : `HTTP ${res.status}`);

describe("HTTPProxy: multi-tenant isolation", function () {
  const ctx = useStack({ pods: ["bank-1", "team-a-1", "team-b-1"], crds: true, contourArgs: [`--root-namespaces=${ROOTS}`] });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  async function backend(namespace: string, name: string, pod: number): Promise<void> {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, namespace);
    await createService(kube, namespace, name, [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, namespace, name, "http", [{ ip: bed.pods[pod]!.ip, port: bed.pods[pod]!.port }]);
  }

  const statusOf = (namespace: string, name: string, want: string): Promise<HTTPProxy> => waitForProxyStatus(kc(), namespace, name, want);

  it("does not let a team's proxy outside the root namespaces claim, or take away, a host", async () => {
    await backend(ROOTS, "bank", 0);
    await backend(TEAM_B, "evil", 2);
    await createHTTPProxy(kc(), ROOTS, "bank", { virtualhost: { fqdn: "bank.example.com" }, routes: [{ services: [{ name: "bank", port: 80 }] }] });
    await ctx.stack.waitForHttp("bank.example.com", "/", (r) => nameOf(r) === "bank-1", "the bank to be served");
    await createHTTPProxy(kc(), TEAM_B, "bank", { virtualhost: { fqdn: "bank.example.com" }, routes: [{ conditions: [{ prefix: "/login" }], services: [{ name: "evil", port: 80 }] }] });
    const squatter = await statusOf(TEAM_B, "bank", "invalid");
    assert.deepEqual(squatter.status?.conditions?.[0]?.errors?.map((e) => [e.type, e.reason, e.message]), [["RootNamespaceError", "RootProxyNotAllowedInNamespace", "root HTTPProxy cannot be defined in this namespace"]]);
    // The legitimate root is untouched: still valid, still serving every path.
    await statusOf(ROOTS, "bank", "valid");
    assert.equal(nameOf(await ctx.stack.http("bank.example.com", "/login")), "bank-1");
  });

  it("refuses both roots of one fqdn: the second does not take the first one's traffic (as upstream)", async () => {
    await createHTTPProxy(kc(), ROOTS, "bank-again", { virtualhost: { fqdn: "bank.example.com" }, routes: [{ services: [{ name: "bank", port: 80 }] }] });
    for (const name of ["bank", "bank-again"]) {
      const s = await statusOf(ROOTS, name, "invalid");
      const e = s.status?.conditions?.[0]?.errors?.[0];
      assert.deepEqual([e?.type, e?.reason, e?.message], ["VirtualHostError", "DuplicateVhost", 'fqdn "bank.example.com" is used in multiple HTTPProxies: roots/bank, roots/bank-again']);
    }
    // Neither is served: the conflict is visible instead of silently handing the host to one of them.
    await ctx.stack.waitForHttp("bank.example.com", "/", (r) => r.status === 404, "bank.example.com to stop being served");
    await deleteHTTPProxy(kc(), ROOTS, "bank-again");
    await statusOf(ROOTS, "bank", "valid");
    await ctx.stack.waitForHttp("bank.example.com", "/", (r) => nameOf(r) === "bank-1", "the bank to be served again");
  });

  it("does not let a proxy use another namespace's Secret without a delegation", async () => {
    const { kube } = ctx.stack;
    await ensureNamespace(kube, TEAM_A);
    const cert = await selfSignedCert(["pay.example.com"]);
    await createTlsSecret(kube, TEAM_A, "team-a-cert", cert.certPem, cert.keyPem);
    await createHTTPProxy(kc(), ROOTS, "pay", { virtualhost: { fqdn: "pay.example.com", tls: { secretName: `${TEAM_A}/team-a-cert` } }, routes: [{ services: [{ name: "bank", port: 80 }] }] });
    const s = await statusOf(ROOTS, "pay", "invalid");
    assert.equal(s.status?.conditions?.[0]?.errors?.[0]?.reason, "DelegationNotPermitted");
    await assert.rejects(httpGet(`https://127.0.0.1:${ctx.stack.envoyPorts.https}/`, { host: "pay.example.com", ca: cert.certPem, timeoutMs: 3000 }));
    assert.equal((await ctx.stack.http("pay.example.com", "/")).status, 404);
  });

  it("gives a team's proxy only the host and prefix a root includes it under", async () => {
    await backend(TEAM_A, "shop", 1);
    await createHTTPProxy(kc(), ROOTS, "portal", { virtualhost: { fqdn: "portal.example.com" }, includes: [{ name: "shop", namespace: TEAM_A, conditions: [{ prefix: "/shop" }] }] });
    await createHTTPProxy(kc(), TEAM_A, "shop", { routes: [{ services: [{ name: "shop", port: 80 }] }] });
    // Team B writes routes and even includes team A's proxy; no root includes team B, so none of it is served.
    await createHTTPProxy(kc(), TEAM_B, "sneaky", {
      includes: [{ name: "shop", namespace: TEAM_A, conditions: [{ prefix: "/stolen" }] }],
      routes: [{ conditions: [{ prefix: "/admin" }], services: [{ name: "evil", port: 80 }] }],
    });
    await ctx.stack.waitForHttp("portal.example.com", "/shop/cart", (r) => nameOf(r) === "team-a-1", "team A under /shop");
    await statusOf(TEAM_B, "sneaky", "orphaned");
    for (const path of ["/admin", "/stolen/cart", "/"]) assert.equal((await ctx.stack.http("portal.example.com", path)).status, 404, path);
    for (const host of ["bank.example.com", "unknown.example.com"]) assert.notEqual(nameOf(await ctx.stack.http(host, "/admin")), "team-b-1", host);
    // Team A's proxy cannot route to team B's Service either: services are looked up in the proxy's own namespace.
    await createHTTPProxy(kc(), TEAM_A, "reach", { routes: [{ services: [{ name: "evil", port: 80 }] }] });
    await createHTTPProxy(kc(), ROOTS, "reach", { virtualhost: { fqdn: "reach.example.com" }, includes: [{ name: "reach", namespace: TEAM_A }] });
    const reach = await statusOf(TEAM_A, "reach", "invalid");
    assert.match(reach.status?.conditions?.[0]?.errors?.[0]?.message ?? "", /Service "team-a\/evil" not found/u);
    await ctx.stack.waitForHttp("reach.example.com", "/", (r) => r.status === 503, "the unresolved route to answer 503");
  });
});
