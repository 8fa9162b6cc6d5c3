// The pure parts of the bed's cluster: the image map, env expansion, the log query, and the nftables
// script of the load balancer (checked by `nft -c`, the real parser, without touching the ruleset).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { V1Pod } from "@kubernetes/client-node";
import { checkClusterPrerequisites, DEFAULT_IMAGES, findImage, imageRepository, nftScript, serviceRules } from "../harness/index.js";
import { formatLines, parseLog, selectLines } from "../harness/kubelet/container-log.js";
import { expandVars, fieldValue } from "../harness/kubelet/pod-config.js";
import { removeMountpoints, sandboxCommand } from "../harness/kubelet/sandbox.js";
import { pickNode } from "../harness/kubelet/scheduler.js";

describe("cluster parts: scheduling", function () {
  const nodes = ["n1", "n2"];
  const daemonPod = (node: string): V1Pod => ({
    spec: { containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }] } } } },
  });
  it("binds a DaemonSet pod to the node its affinity names, however loaded", function () {
    assert.equal(pickNode(daemonPod("n2"), nodes, new Map([["n2", 9]])), "n2");
    assert.equal(pickNode(daemonPod("gone"), nodes, new Map()), undefined);
  });
  it("honours a hostname nodeSelector, else picks the least-loaded node (ties: the first)", function () {
    assert.equal(pickNode({ spec: { containers: [], nodeSelector: { "kubernetes.io/hostname": "n1" } } }, nodes, new Map([["n1", 3]])), "n1");
    assert.equal(pickNode({ spec: { containers: [] } }, nodes, new Map()), "n1");
    assert.equal(pickNode({ spec: { containers: [] } }, nodes, new Map([["n1", 2], ["n2", 1]])), "n2");
  });
});

describe("cluster parts: image map", function () {
  it("strips tags and digests, keeps registry ports", function () {
    assert.equal(imageRepository("registry.k8s.io/gateway-api/echo-basic:v1.5.1"), "registry.k8s.io/gateway-api/echo-basic");
    assert.equal(imageRepository("envoyproxy/envoy:v1.36.2@sha256:abcd"), "envoyproxy/envoy");
    assert.equal(imageRepository("localhost:5000/app"), "localhost:5000/app");
    assert.equal(imageRepository("localhost:5000/app:1"), "localhost:5000/app");
  });
  it("maps echo-basic, CoreDNS and Envoy by repository, and nothing else", function () {
    assert.ok(findImage(DEFAULT_IMAGES, "registry.k8s.io/gateway-api/echo-basic:v1.6.0-dev.3"));
    assert.ok(findImage(DEFAULT_IMAGES, "registry.k8s.io/coredns/coredns:v1.12.2"));
    assert.ok(findImage(DEFAULT_IMAGES, "docker.io/envoyproxy/envoy:distroless-v1.36.2"));
    assert.equal(findImage(DEFAULT_IMAGES, "registry.k8s.io/gateway-api/echo-advanced:v1"), undefined);
    assert.equal(findImage(DEFAULT_IMAGES, "nginx"), undefined);
  });
  it("runs Envoy's image with the pod's args and refuses other commands", function () {
    const envoy = findImage(DEFAULT_IMAGES, "envoyproxy/envoy:v1.36.2")!;
    const launched = envoy.launch({ image: "envoyproxy/envoy:v1.36.2", command: ["envoy"], args: ["-c", "/config/envoy.json"] });
    assert.match(launched.command, /envoy$/);
    assert.deepEqual(launched.args, ["-c", "/config/envoy.json"]);
    assert.throws(() => envoy.launch({ image: "envoyproxy/envoy:v1", command: ["/bin/sh", "-c", "x"] }), /only the envoy command/);
  });
});

describe("cluster parts: container config", function () {
  it("expands $(VAR) and $$ as the kubelet does", function () {
    assert.equal(expandVars("a-$(X)-$(MISSING)-$$(X)", { X: "1" }), "a-1-$(MISSING)-$(X)");
  });
  it("reads fieldRefs of the pod", function () {
    const pod = { metadata: { name: "p", namespace: "n", uid: "u", labels: { app: "a" } }, spec: { nodeName: "node", containers: [] } } as unknown as V1Pod;
    const fields = { podIP: "198.18.0.2", hostIP: "198.18.0.5" };
    assert.equal(fieldValue(pod, fields, "metadata.name"), "p");
    assert.equal(fieldValue(pod, fields, "metadata.labels['app']"), "a");
    assert.equal(fieldValue(pod, fields, "status.podIP"), "198.18.0.2");
    assert.equal(fieldValue(pod, fields, "spec.nodeName"), "node");
    assert.throws(() => fieldValue(pod, fields, "metadata.generation"), /not supported/);
  });
});

describe("cluster parts: pods/log query", function () {
  const text = ["2026-01-01T00:00:01.000000000Z stdout F one", "2026-01-01T00:00:02.000000000Z stderr F two", "2026-01-01T00:00:03.000000000Z stdout F three"].join("\n");
  const lines = parseLog(text);
  it("tails, filters by time and adds timestamps", function () {
    assert.equal(formatLines(selectLines(lines, { tailLines: 2 }), {}), "two\nthree\n");
    assert.equal(formatLines(selectLines(lines, { sinceTime: "2026-01-01T00:00:02Z" }), {}), "two\nthree\n");
    assert.equal(formatLines(selectLines(lines, { tailLines: 1 }), { timestamps: true }), "2026-01-01T00:00:03.000000000Z three\n");
    assert.equal(formatLines(selectLines(lines, { tailLines: 0 }), {}), "");
  });
});

describe("cluster parts: load balancer rules", function () {
  const service = { metadata: { name: "s", namespace: "n" }, spec: { type: "LoadBalancer", ports: [{ name: "http", port: 80 }, { name: "dns", port: 53, protocol: "UDP" }] } };
  const slices = [
    {
      addressType: "IPv4",
      ports: [{ name: "http", port: 3000, protocol: "TCP" }],
      endpoints: [{ addresses: ["198.18.0.6"], conditions: { ready: true } }, { addresses: ["198.18.0.2"] }, { addresses: ["198.18.0.10"], conditions: { ready: false } }],
    },
    { addressType: "IPv4", ports: [{ name: "dns", port: 5353, protocol: "UDP" }], endpoints: [{ addresses: ["198.18.0.2"] }] },
  ];
  it("forwards each Service port to the ready endpoints of the slice port of that name", function () {
    const rules = serviceRules(service, "198.19.255.7", slices);
    assert.deepEqual(rules, [
      { address: "198.19.255.7", port: 80, protocol: "tcp", targets: [{ address: "198.18.0.2", port: 3000 }, { address: "198.18.0.6", port: 3000 }] },
      { address: "198.19.255.7", port: 53, protocol: "udp", targets: [{ address: "198.18.0.2", port: 5353 }] },
    ]);
  });
  it("leaves a terminating pod while another is ready, and keeps the last one's traffic while it drains (kube-proxy's terminating endpoints)", function () {
    const terminating = { addresses: ["198.18.0.14"], conditions: { ready: false, serving: true, terminating: true } };
    const gone = { addresses: ["198.18.0.18"], conditions: { ready: false, serving: false, terminating: true } };
    const slice = (endpoints: Array<{ addresses: string[]; conditions?: Record<string, boolean> }>) => [{ addressType: "IPv4", ports: [{ name: "http", port: 3000, protocol: "TCP" }], endpoints }];
    const http = { ...service, spec: { ...service.spec, ports: [{ name: "http", port: 80 }] } };
    assert.deepEqual(serviceRules(http, "198.19.255.7", slice([terminating, gone, { addresses: ["198.18.0.6"], conditions: { ready: true } }]))[0]?.targets, [{ address: "198.18.0.6", port: 3000 }]);
    assert.deepEqual(serviceRules(http, "198.19.255.7", slice([terminating, gone]))[0]?.targets, [{ address: "198.18.0.14", port: 3000 }]);
    assert.deepEqual(serviceRules(http, "198.19.255.7", slice([gone]))[0]?.targets, []);
  });
  it("writes a script nft accepts (checked with nft -c, nothing applied)", function () {
    const script = nftScript("contour_e2e_lb_check", serviceRules(service, "198.19.255.7", slices));
    execFileSync("nft", ["-c", "-f", "-"], { input: script });
    assert.match(script, /dnat ip to numgen random mod 2 map \{ 0 : 198\.18\.0\.2 \. 3000, 1 : 198\.18\.0\.6 \. 3000 \}/);
  });
});

describe("cluster parts: top-level mount folders", function () {
  it("holds a marker in a folder it made, so another run's rmdir cannot detach its mounts, and removes both at the end", function () {
    const top = `/contour-e2e-sandbox-check-${process.pid}`;
    const scratch = mkdtempSync(join(tmpdir(), "contour-e2e-sandbox-check-"));
    try {
      sandboxCommand("ip", "ctr-none", scratch, [{ source: scratch, target: `${top}/volume`, readOnly: false }], "true", []);
      assert.ok(existsSync(join(top, `.contour-e2e-${process.pid}`)), "the marker of this run");
      assert.throws(() => rmdirSync(top), /ENOTEMPTY/);
      removeMountpoints();
      assert.equal(existsSync(top), false, `${top} is removed once no run holds it`);
    } finally {
      rmSync(top, { recursive: true, force: true });
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe("cluster parts: prerequisites", function () {
  it("fails naming root, ip or nft when one is missing, and passes on this machine", function () {
    assert.throws(() => checkClusterPrerequisites({ uid: 1000 }), /needs root .* uid 1000/);
    assert.throws(() => checkClusterPrerequisites({ uid: 0, ipPaths: ["/nonexistent/ip"] }), /`ip` command \(Debian package iproute2\)/);
    assert.throws(() => checkClusterPrerequisites({ uid: 0, nftPaths: ["/nonexistent/nft"] }), /`nft` command \(Debian package nftables\)/);
    checkClusterPrerequisites();
  });
});
