// Port of upstream Contour v1.33.6's test/e2e/httpproxy/namespaces_test.go, wired as httpproxy_test.go
// does: "using root namespaces / configured via CLI flag" (--root-namespaces), "using watch namespaces /
// only" (--watch-namespaces) and "using watch namespaces / with root namespaces" (both), each with its
// own contour. "configured via config CRD" runs upstream only in its ContourConfiguration mode (it skips
// itself with a config file, as this bed runs contour), so it has no port here.
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "mocha";
import type { HTTPProxy } from "../../crds/index.js";
import { createHTTPProxy, readHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack, type Stack } from "../fixtures/stack.js";
import { deployEcho, describeResponse, hasStatusCode, requestUntil } from "../fixtures/upstream-echo.js";
import { waitFor } from "../harness/index.js";

/** Upstream's newEchoProxy: `<name>-<namespace>.projectcontour.io` to Service echo:80. */
function newEchoProxy(stack: Stack, name: string, namespace: string): Promise<HTTPProxy> {
  return createHTTPProxy(stack.bed.apiserver.makeKubeConfig(), namespace, name, { virtualhost: { fqdn: `${name}-${namespace}.projectcontour.io` }, routes: [{ services: [{ name: "echo", port: 80 }] }] });
}

/** Upstream's httpProxyRootNotAllowedInNS: Valid False with a RootNamespaceError error of status True. */
function rootNotAllowed(proxy: HTTPProxy): boolean {
  const valid = (proxy.status?.conditions ?? []).find((c) => c.type === "Valid");
  if (valid === undefined || valid.status !== "False") return false;
  const errors = (valid as { errors?: { type: string; status: string }[] }).errors ?? [];
  return errors.find((e) => e.type === "RootNamespaceError")?.status === "True";
}

async function expectValidAndServed(stack: Stack, name: string, ns: string): Promise<void> {
  await deployEcho(stack, ns, "echo");
  await newEchoProxy(stack, name, ns);
  await waitForProxyStatus(stack.bed.apiserver.makeKubeConfig(), ns, name, "valid");
  const { res, ok } = await requestUntil(stack, { host: `${name}-${ns}.projectcontour.io` }, hasStatusCode(200));
  assert.ok(res !== undefined);
  assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);
}

async function expectRootNotAllowed(stack: Stack, ns: string): Promise<void> {
  await deployEcho(stack, ns, "echo");
  await newEchoProxy(stack, "root-proxy", ns);
  let last: HTTPProxy | undefined;
  await waitFor(async () => rootNotAllowed((last = await readHTTPProxy(stack.bed.apiserver.makeKubeConfig(), ns, "root-proxy"))), {
    timeoutMs: 30_000,
    description: () => `expected HTTPProxy to have status RootNamespaceError (status: ${JSON.stringify(last?.status)})`,
  });
}

/** require.Never(!NotReconciled, 10 s, every 1 s). */
async function expectNeverReconciled(stack: Stack, ns: string, name: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const proxy = await readHTTPProxy(stack.bed.apiserver.makeKubeConfig(), ns, name).catch(() => undefined);
    if (proxy !== undefined) assert.equal(proxy.status?.currentStatus, "NotReconciled", `expected HTTPProxy to have status NotReconciled (status: ${JSON.stringify(proxy.status)})`);
    await sleep(1000);
  }
}

describe("httpproxy/namespaces_test.go: using root namespaces configured via CLI flag", function () {
  const rootNamespaces = ["root-ns-cli-1", "root-ns-cli-2"];
  const ctx = useStack({ crds: true, contourArgs: [`--root-namespaces=${rootNamespaces.join(",")}`] });

  it("root HTTPProxies outside of root namespaces are not configured", async () => {
    const { stack } = ctx;
    for (const ns of rootNamespaces) await ensureNamespace(stack.kube, ns);
    // Root proxy in root namespace should succeed
    for (const ns of rootNamespaces) await expectValidAndServed(stack, "root-proxy", ns);
    // Root proxy in non-root namespace should fail
    await expectRootNotAllowed(stack, "nonroot-ns-cli");
  });
});

describe("httpproxy/namespaces_test.go: using watch namespaces only", function () {
  const watchNamespaces = ["watched-ns-1", "watched-ns-2"];
  const ctx = useStack({ crds: true, contourArgs: [`--watch-namespaces=${watchNamespaces.join(",")}`] });

  it("HTTPProxies outside of watched namespaces are not configured", async () => {
    const { stack } = ctx;
    // Proxy in watched namespace should succeed
    for (const ns of watchNamespaces) await expectValidAndServed(stack, "proxy", ns);
    // Proxy in non-watched namespace should not be handled
    await deployEcho(stack, "nonwatched-ns", "echo");
    await newEchoProxy(stack, "proxy", "nonwatched-ns");
    await expectNeverReconciled(stack, "nonwatched-ns", "proxy");
  });
});

describe("httpproxy/namespaces_test.go: using watch namespaces with root namespaces", function () {
  const rootNamespaces = ["root-ns-1", "root-ns-2"];
  const nonRootNamespace = "nonroot-ns";
  const watchNamespaces = [...rootNamespaces, nonRootNamespace];
  const nonWatchedNs = "nonwatched-nonroot-ns";
  const ctx = useStack({ crds: true, contourArgs: [`--watch-namespaces=${watchNamespaces.join(",")}`, `--root-namespaces=${rootNamespaces.join(",")}`] });

  it("root HTTPProxies outside of root namespaces are not configured", async () => {
    const { stack } = ctx;
    const kc = stack.bed.apiserver.makeKubeConfig();
    // Root proxy in root namespace should succeed
    for (const ns of rootNamespaces) await expectValidAndServed(stack, "root-proxy", ns);
    // Root proxy in non-root namespace should fail
    await expectRootNotAllowed(stack, nonRootNamespace);

    // Leaf proxy in non-root (but watched) namespace should succeed
    await createHTTPProxy(kc, nonRootNamespace, "leaf-proxy", { routes: [{ services: [{ name: "echo", port: 80 }] }] });
    const fqdn = `root-${rootNamespaces[0]}.projectcontour.io`;
    await createHTTPProxy(kc, rootNamespaces[0]!, "root", { virtualhost: { fqdn }, includes: [{ name: "leaf-proxy", namespace: nonRootNamespace }] });
    await waitForProxyStatus(kc, rootNamespaces[0]!, "root", "valid");
    const { res, ok } = await requestUntil(stack, { host: fqdn }, hasStatusCode(200));
    assert.ok(res !== undefined);
    assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);

    // Root proxy in non-watched namespace should fail
    await deployEcho(stack, nonWatchedNs, "echo");
    await newEchoProxy(stack, "root-proxy", nonWatchedNs);
    await expectNeverReconciled(stack, nonWatchedNs, "root-proxy");
  });
});
