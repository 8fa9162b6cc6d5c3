// The pure parts of what makes Service names and ClusterIPs work on the bed: the cluster DNS's records
// and answers (decoded back with dns-packet), the service range, the ClusterIP DNAT rules (checked by
// `nft -c`), and the contour image in the image map.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as packet from "dns-packet";
import { DEFAULT_IMAGES, findImage, nftScript, resolveTool, serviceRules, useTestBed, waitFor } from "../harness/index.js";
import { answer, dnsRecords } from "../harness/kubelet/cluster-dns.js";
import { CONTOUR_CLI } from "../harness/kubelet/images.js";
import { inServiceRange, pickServiceRange } from "../harness/load-balancer.js";
import { adminClient, applyManifests, kubectl, listPods } from "./objects.js";

const services = [
  { metadata: { namespace: "projectcontour", name: "contour" }, spec: { clusterIP: "198.19.7.12" } },
  { metadata: { namespace: "apps", name: "db" }, spec: { clusterIP: "None" } },
];
const slices = [
  {
    metadata: { namespace: "apps", name: "db-x", labels: { "kubernetes.io/service-name": "db" } },
    addressType: "IPv4",
    endpoints: [{ addresses: ["198.18.0.6"] }, { addresses: ["198.18.0.2"], conditions: { ready: true } }, { addresses: ["198.18.0.10"], conditions: { ready: false } }],
  },
];

// The decoder reports the response code as `rcode`, which the type definitions leave out.
function ask(name: string, type: "A" | "AAAA"): packet.Packet & { rcode?: string } {
  const query = packet.encode({ type: "query", id: 7, flags: packet.RECURSION_DESIRED, questions: [{ type, name, class: "IN" }] });
  return packet.decode(answer(query, dnsRecords(services, slices)));
}

describe("cluster services: DNS", function () {
  it("answers a Service's FQDN with its ClusterIP, a headless one with its ready endpoints", function () {
    const a = ask("contour.projectcontour.svc.cluster.local", "A");
    assert.equal(a.id, 7);
    assert.equal(a.rcode, "NOERROR");
    assert.deepEqual(a.answers?.map((r) => (r as { data: string }).data), ["198.19.7.12"]);
    assert.deepEqual(ask("DB.apps.svc.cluster.local.", "A").answers?.map((r) => (r as { data: string }).data), ["198.18.0.2", "198.18.0.6"]);
  });
  it("gives no data for AAAA of a known name, NXDOMAIN for unknown cluster names, REFUSED outside the cluster", function () {
    const aaaa = ask("contour.projectcontour.svc.cluster.local", "AAAA");
    assert.equal(aaaa.rcode, "NOERROR");
    assert.equal(aaaa.answers?.length ?? 0, 0);
    // What a search-domain walk tries first for `contour` in namespace projectcontour.
    assert.equal(ask("contour.projectcontour.svc.cluster.local", "A").rcode, "NOERROR");
    assert.equal(ask("contour.svc.cluster.local", "A").rcode, "NXDOMAIN");
    assert.equal(ask("example.com", "A").rcode, "REFUSED");
  });
});

describe("cluster services: ClusterIP DNAT", function () {
  it("picks a /24 of 198.19.0.0/17 and tells its addresses apart", function () {
    assert.equal(pickServiceRange(() => 0), "198.19.0.0/24");
    assert.equal(pickServiceRange(() => 0.9999), "198.19.127.0/24");
    assert.ok(inServiceRange("198.19.7.12", "198.19.7.0/24"));
    assert.ok(!inServiceRange("198.19.70.12", "198.19.7.0/24"));
    assert.ok(!inServiceRange("10.96.0.1", undefined));
  });
  it("DNATs ClusterIP:port to the endpoints and masquerades the service range (nft -c accepts it)", function () {
    const svc = { metadata: { namespace: "projectcontour", name: "contour" }, spec: { ports: [{ name: "xds", port: 8001 }] } };
    const slice = { metadata: {}, addressType: "IPv4", ports: [{ name: "xds", port: 8001 }], endpoints: [{ addresses: ["198.18.0.6"] }] };
    const script = nftScript("contour_e2e_lb_check", serviceRules(svc, "198.19.7.12", [slice]), "198.19.7.0/24");
    execFileSync("nft", ["-c", "-f", "-"], { input: script });
    assert.match(script, /ip daddr 198\.19\.7\.12 tcp dport 8001 dnat ip to numgen random mod 1 map \{ 0 : 198\.18\.0\.6 \. 8001 \}/);
    assert.match(script, /ct original ip daddr \{ 198\.19\.255\.0\/24, 198\.19\.7\.0\/24 \} masquerade/);
  });
});

describe("cluster services: the contour image", function () {
  it("runs upstream's image and ours as the compiled CLI with the pod's command and args", function () {
    for (const image of ["ghcr.io/projectcontour/contour:v1.33.6", "contour:latest"]) {
      const entry = findImage(DEFAULT_IMAGES, image);
      assert.ok(entry, image);
      assert.deepEqual(entry.launch({ image, command: ["contour"], args: ["serve", "--incluster"] }).args.slice(-3), [CONTOUR_CLI, "serve", "--incluster"]);
      assert.deepEqual(entry.launch({ image, command: ["/bin/contour", "envoy", "shutdown"] }).args.slice(-3), [CONTOUR_CLI, "envoy", "shutdown"]);
      assert.throws(() => entry.launch({ image, command: ["/bin/sh"] }), /only the contour command/);
    }
  });
});

describe("cluster services: a pod reaches the API server by its Service name", function () {
  this.timeout(120_000);
  // A test-only image: kubectl, whose in-cluster config dials $KUBERNETES_SERVICE_HOST (here a name).
  const ctx = useTestBed({
    cluster: { images: [{ repositories: ["e2e.local/kubectl"], launch: (c) => ({ command: resolveTool("kubectl"), args: [...(c.command ?? []).slice(1), ...(c.args ?? [])] }) }] },
  });

  it("resolves kubernetes.default.svc through the search domains and its ClusterIP leads to the API server", async () => {
    const api = adminClient(ctx.bed);
    try {
      await applyManifests(
        api,
        `apiVersion: v1
kind: Pod
metadata: { name: by-name, namespace: default }
spec:
  restartPolicy: Never
  containers:
    - name: kubectl
      image: e2e.local/kubectl:v1
      args: [get, --raw, /version]
      env:
        - { name: KUBERNETES_SERVICE_HOST, value: kubernetes.default.svc }
        - { name: KUBERNETES_SERVICE_PORT, value: "443" }
`,
      );
      let phase = "";
      await waitFor(
        async () => {
          phase = (await listPods(api, "default")).find((p) => p.metadata.name === "by-name")?.status.phase ?? "";
          return phase === "Succeeded" || phase === "Failed";
        },
        { timeoutMs: 60_000, intervalMs: 200, description: () => `pod by-name to finish; phase ${phase}` },
      );
      const out = await kubectl(ctx.bed, ["logs", "-n", "default", "by-name"]);
      assert.equal(phase, "Succeeded", out);
      assert.match(out, /"gitVersion"/);
    } finally {
      api.close();
    }
  });
});
