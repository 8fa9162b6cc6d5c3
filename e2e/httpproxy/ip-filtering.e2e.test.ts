// Port of upstream Contour v1.33.6's test/e2e/httpproxy/ip_filtering_test.go ("httpproxy-ip-filters":
// contour started with network.num-trusted-hops: 1, as upstream's suite does, so a client's
// X-Forwarded-For decides the Remote address), through a real kube-apiserver, contour and Envoy.
// Remote rules are Envoy's remote_ip and Peer rules its direct_remote_ip, as upstream's; which
// X-Forwarded-For entry is the remote address is network.num-trusted-hops' (xds/translate options).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "mocha";
import type { HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, readHTTPProxy, updateHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createService, ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";

const NS = "ipfilter";
/** Upstream's ipFilterDenyAll, as written (10.8.8.8/0 normalises to 0.0.0.0/0). */
const DENY_ALL = (["Peer", "Remote"] as const).flatMap((source) => ["10.8.8.8/0", "::/0"].map((cidr) => ({ source, cidr })));

describe("HTTPProxy: ip_filtering_test.go with one trusted X-Forwarded-For hop", function () {
  const dir = mkdtempSync(join(tmpdir(), "contour-ipfilter-"));
  const configPath = join(dir, "contour.yaml");
  writeFileSync(configPath, "network:\n  num-trusted-hops: 1\n");
  const ctx = useStack({ pods: ["echo-1"], crds: true, contourArgs: [`--config-path=${configPath}`] });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A writable copy of the spec's parts a test edits (the CRD types are read-only). */
  type Editable = { virtualhost: Record<string, unknown>; routes: Record<string, unknown>[] };
  async function change(name: string, edit: (spec: Editable) => void): Promise<void> {
    const spec = structuredClone((await readHTTPProxy(kc(), NS, name)).spec) as unknown as Editable;
    edit(spec);
    await updateHTTPProxy(kc(), NS, name, spec as unknown as HTTPProxySpec);
  }
  const until = (host: string, path: string, status: number, headers: Record<string, string> = {}) =>
    ctx.stack.waitForHttp(host, path, (r) => r.status === status, `${host}${path} ${JSON.stringify(headers)} to answer ${status}`, { headers });

  it("requests can be filtered by ip address", async () => {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "echo", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "echo", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    const host = "ipfilter1.projectcontour.io";
    await createHTTPProxy(kc(), NS, "ipfilter1", { virtualhost: { fqdn: host }, routes: [{ services: [{ name: "echo", port: 80 }] }] });
    await waitForProxyStatus(kc(), NS, "ipfilter1", "valid");
    await until(host, "/", 200);
    await change("ipfilter1", (s) => void (s.routes[0]!["ipDenyPolicy"] = DENY_ALL));
    await until(host, "/", 403);
    await change("ipfilter1", (s) => {
      s.routes[0]!["ipAllowPolicy"] = [{ source: "Remote", cidr: "10.10.10.10/32" }];
      delete s.routes[0]!["ipDenyPolicy"];
    });
    await until(host, "/", 200, { "X-Forwarded-For": "10.10.10.10" });
    await until(host, "/", 403, { "X-Forwarded-For": "10.10.10.0" });
  });

  it("per-route ip filters override virtualhost ipfilters", async () => {
    const host = "ipfilter2.projectcontour.io";
    const route = (prefix: string) => ({ conditions: [{ prefix }], services: [{ name: "echo", port: 80 }] });
    await createHTTPProxy(kc(), NS, "ipfilter2", { virtualhost: { fqdn: host }, routes: [route("/one"), route("/other")] });
    await waitForProxyStatus(kc(), NS, "ipfilter2", "valid");
    await until(host, "/one", 200);
    await change("ipfilter2", (s) => void (s.virtualhost["ipDenyPolicy"] = DENY_ALL));
    await until(host, "/one", 403);
    await change("ipfilter2", (s) => void (s.routes[0]!["ipAllowPolicy"] = [{ source: "Remote", cidr: "10.10.10.10" }]));
    await until(host, "/one", 200, { "X-Forwarded-For": "10.10.10.10" });
    await until(host, "/one", 403, { "X-Forwarded-For": "10.10.10.0" });
    assert.equal((await ctx.stack.http(host, "/other", { headers: { "X-Forwarded-For": "10.10.10.0" } })).status, 403, "the virtual host's deny-all still holds on /other");
  });
});
