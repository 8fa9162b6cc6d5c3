import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import { filterWatchEvent } from "./filtered-watch.js";
import { planUnits } from "./informers.js";
import { transformFor } from "./object-transforms.js";

function secret(name: string, type: string, data: Record<string, string>, extra: Record<string, unknown> = {}): KubernetesObject {
  return { metadata: { name, namespace: "ns", resourceVersion: "7", managedFields: [{ manager: "kubectl" }], ...extra }, type, data } as KubernetesObject;
}

describe("object transforms", () => {
  const secrets = transformFor("Secret", "v1");

  it("keeps TLS secrets with only the keys contour reads, minus bookkeeping", () => {
    const got = secrets(
      secret("tls", "kubernetes.io/tls", { "tls.crt": "C", "tls.key": "K", "ca.crt": "A", other: "X" }, { annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{...}" } }),
    );
    assert.deepEqual(got, { apiVersion: "v1", kind: "Secret", metadata: { name: "tls", namespace: "ns", resourceVersion: "7" }, type: "kubernetes.io/tls", data: { "tls.crt": "C", "tls.key": "K", "ca.crt": "A" } });
  });

  it("keeps Opaque CA bundles and revocation lists, and only those keys", () => {
    assert.deepEqual((secrets(secret("ca", "Opaque", { "ca.crt": "A", password: "P" })) as { data?: unknown }).data, { "ca.crt": "A" });
    assert.deepEqual((secrets(secret("crl", "Opaque", { "crl.pem": "R" })) as { data?: unknown }).data, { "crl.pem": "R" });
  });

  it("drops every other Secret", () => {
    assert.equal(secrets(secret("app", "Opaque", { password: "P" })), undefined);
    assert.equal(secrets(secret("helm", "helm.sh/release.v1", { release: "R" })), undefined);
  });

  it("strips managedFields of other kinds but keeps their annotations", () => {
    const svc = { metadata: { name: "s", managedFields: [{}], annotations: { "projectcontour.io/upstream-protocol.tls": "443" } }, spec: {} };
    assert.deepEqual(transformFor("Service", "v1")(svc), { apiVersion: "v1", kind: "Service", metadata: { name: "s", annotations: { "projectcontour.io/upstream-protocol.tls": "443" } }, spec: {} });
  });
});

describe("filterWatchEvent", () => {
  const transform = transformFor("Secret", "v1");
  const cached = new Set<string>(["held"]);
  const options = { transform, isCached: (o: KubernetesObject) => cached.has(o.metadata?.name ?? "") };

  it("passes usable objects through, transformed", () => {
    const got = filterWatchEvent("ADDED", secret("tls", "kubernetes.io/tls", { "tls.crt": "C", junk: "J" }), options);
    assert.equal(got.phase, "ADDED");
    assert.deepEqual((got.obj as { data?: unknown }).data, { "tls.crt": "C" });
  });

  it("turns an unusable object the informer never held into a bookmark at its resourceVersion", () => {
    assert.deepEqual(filterWatchEvent("ADDED", secret("app", "Opaque", { password: "P" }), options), { phase: "BOOKMARK", obj: { metadata: { resourceVersion: "7" } } });
    assert.equal(filterWatchEvent("MODIFIED", secret("app", "Opaque", { password: "P" }), options).phase, "BOOKMARK");
  });

  it("turns a held object that stopped qualifying into a delete without its data", () => {
    const got = filterWatchEvent("MODIFIED", secret("held", "Opaque", { password: "P" }), options);
    assert.equal(got.phase, "DELETED");
    assert.equal((got.obj as { data?: unknown }).data, undefined);
    assert.equal(got.obj.metadata?.name, "held");
  });

  it("leaves bookmarks and errors alone", () => {
    const bookmark = { metadata: { resourceVersion: "9" } };
    assert.deepEqual(filterWatchEvent("BOOKMARK", bookmark, options), { phase: "BOOKMARK", obj: bookmark });
  });
});

describe("planUnits", () => {
  it("watches every kind cluster-wide, Secrets split by type", () => {
    const plan = planUnits({});
    assert.deepEqual(
      plan.map((u) => `${u.kind}|${u.namespace ?? "*"}|${u.fieldSelector ?? ""}`),
      [
        "Ingress|*|",
        "IngressClass|*|",
        "Service|*|",
        "EndpointSlice|*|",
        "Secret|*|type=kubernetes.io/tls",
        "Secret|*|type=Opaque",
        "Namespace|*|",
        "HTTPProxy|*|",
        "TLSCertificateDelegation|*|",
        "ConfigMap|*|",
        "GatewayClass|*|",
        "Gateway|*|",
        "ListenerSet|*|",
        "HTTPRoute|*|",
        "GRPCRoute|*|",
        "TLSRoute|*|",
        "TCPRoute|*|",
        "UDPRoute|*|",
        "ReferenceGrant|*|",
        "BackendTLSPolicy|*|",
      ],
    );
  });

  it("watches per namespace when restricted, plus the Envoy Service outside them", () => {
    const plan = planUnits({ kinds: ["Service", "IngressClass", "Namespace"], namespaces: ["b", "a"], envoyService: { namespace: "projectcontour", name: "envoy" } });
    assert.deepEqual(
      plan.map((u) => `${u.kind}|${u.namespace ?? "*"}|${u.fieldSelector ?? ""}`),
      ["Service|a|", "Service|b|", "IngressClass|*|", "Namespace|a|metadata.name=a", "Namespace|b|metadata.name=b", "Service|projectcontour|metadata.name=envoy"],
    );
  });

  it("needs no extra Envoy Service informer when its namespace is watched", () => {
    const plan = planUnits({ kinds: ["Service"], namespaces: ["projectcontour"], envoyService: { namespace: "projectcontour", name: "envoy" } });
    assert.equal(plan.length, 1);
  });
});
