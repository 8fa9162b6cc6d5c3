import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { createUpstreamMetrics } from "./upstream-metrics.js";

const build = { branch: "main", sha: "abc", version: "v0.1.0" };

async function text(registry: Registry): Promise<string> {
  return registry.metrics();
}

describe("upstream metrics", () => {
  it("exports contour_build_info with branch, revision and version", async () => {
    const registry = new Registry();
    createUpstreamMetrics(registry, build);
    assert.match(await text(registry), /^contour_build_info\{branch="main",revision="abc",version="v0\.1\.0"\} 1$/m);
  });

  it("counts HTTPProxies by namespace and vhost as upstream does, dropping series that empty", async () => {
    const registry = new Registry();
    const m = createUpstreamMetrics(registry, build);
    m.updateProxies([
      { id: "a/root", entry: { namespace: "a", vhost: "a.example.com", root: true, status: "valid" } },
      { id: "a/child", entry: { namespace: "a", vhost: "", root: false, status: "valid" } },
      { id: "a/orphan", entry: { namespace: "a", vhost: "", root: false, status: "orphaned" } },
      { id: "b/root", entry: { namespace: "b", vhost: "b.example.com", root: true, status: "invalid" } },
    ]);
    const out = await text(registry);
    assert.match(out, /^contour_httpproxy\{namespace="a"\} 3$/m);
    assert.match(out, /^contour_httpproxy\{namespace="b"\} 1$/m);
    assert.match(out, /^contour_httpproxy_root\{namespace="a"\} 1$/m);
    assert.match(out, /^contour_httpproxy_valid\{namespace="a",vhost="a\.example\.com"\} 1$/m);
    assert.match(out, /^contour_httpproxy_valid\{namespace="a",vhost=""\} 1$/m);
    assert.match(out, /^contour_httpproxy_invalid\{namespace="b",vhost="b\.example\.com"\} 1$/m);
    assert.match(out, /^contour_httpproxy_orphaned\{namespace="a"\} 1$/m);
    m.updateProxies([
      { id: "a/child", entry: undefined },
      { id: "a/orphan", entry: undefined },
      { id: "b/root", entry: undefined },
    ]);
    const after = await text(registry);
    assert.match(after, /^contour_httpproxy\{namespace="a"\} 1$/m);
    assert.doesNotMatch(after, /namespace="b"/);
    assert.doesNotMatch(after, /vhost=""/);
    assert.doesNotMatch(after, /^contour_httpproxy_orphaned\{/m);
  });

  it("moves one changed HTTPProxy between series without recounting the others", async () => {
    const registry = new Registry();
    const m = createUpstreamMetrics(registry, build);
    m.updateProxies([
      { id: "a/one", entry: { namespace: "a", vhost: "one.example.com", root: true, status: "valid" } },
      { id: "a/two", entry: { namespace: "a", vhost: "two.example.com", root: true, status: "valid" } },
    ]);
    // One root turns invalid and renames its host; the same entry given twice counts once.
    m.updateProxies([{ id: "a/two", entry: { namespace: "a", vhost: "2.example.com", root: true, status: "invalid" } }]);
    m.updateProxies([{ id: "a/two", entry: { namespace: "a", vhost: "2.example.com", root: true, status: "invalid" } }]);
    const out = await text(registry);
    assert.match(out, /^contour_httpproxy\{namespace="a"\} 2$/m);
    assert.match(out, /^contour_httpproxy_root\{namespace="a"\} 2$/m);
    assert.match(out, /^contour_httpproxy_valid\{namespace="a",vhost="one\.example\.com"\} 1$/m);
    assert.doesNotMatch(out, /two\.example\.com/);
    assert.match(out, /^contour_httpproxy_invalid\{namespace="a",vhost="2\.example\.com"\} 1$/m);
  });

  it("counts rebuilds, events and status writes under upstream's names", async () => {
    const registry = new Registry();
    const m = createUpstreamMetrics(registry, build);
    m.observeRebuild(0.01, 1_700_000_000_500);
    m.setCacheObjects({ Service: 2 });
    m.eventHandled("add", "Service");
    m.eventHandled("add", "Service");
    m.statusUpdated("HTTPProxy", "updated", 0.02);
    m.statusUpdated("HTTPProxy", "noop", 0.01);
    m.statusUpdated("HTTPProxy", "conflict", 0.03);
    const out = await text(registry);
    assert.match(out, /^contour_dagrebuild_total 1$/m);
    assert.match(out, /^contour_dagrebuild_timestamp 1700000000$/m);
    assert.match(out, /^contour_dagrebuild_seconds\{quantile="0\.5"\} 0\.01$/m);
    assert.match(out, /^contour_dagrebuild_seconds_count 1$/m);
    assert.match(out, /^contour_dag_cache_object\{kind="Service"\} 2$/m);
    assert.match(out, /^contour_eventhandler_operation_total\{op="add",kind="Service"\} 2$/m);
    assert.match(out, /^contour_status_update_total\{kind="HTTPProxy"\} 3$/m);
    assert.match(out, /^contour_status_update_success_total\{kind="HTTPProxy"\} 2$/m);
    assert.match(out, /^contour_status_update_noop_total\{kind="HTTPProxy"\} 1$/m);
    assert.match(out, /^contour_status_update_conflict_total\{kind="HTTPProxy"\} 1$/m);
    assert.match(out, /^contour_status_update_failed_total\{kind="HTTPProxy"\} 1$/m);
    assert.match(out, /^contour_status_update_duration_seconds_count\{kind="HTTPProxy",error="false"\} 2$/m);
    assert.match(out, /^contour_status_update_duration_seconds_count\{kind="HTTPProxy",error="true"\} 1$/m);
  });
});
