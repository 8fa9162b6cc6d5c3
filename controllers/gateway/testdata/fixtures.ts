// Fixture builders for the Gateway API reconciler tests: small objects with the defaults a test does not care about.
import type { KubernetesObject, V1ConfigMap, V1Namespace, V1Secret, V1Service } from "@kubernetes/client-node";
import type { GatewayObjects } from "../objects.js";
import type { Gateway, GatewayClass, Listener, ListenerSet } from "../../../crds/types/gateway-api/gateway.js";
import type { HTTPRoute, HTTPRouteRule } from "../../../crds/types/gateway-api/httproute.js";
import type { ReferenceGrant, ReferenceGrantFrom, ReferenceGrantTo } from "../../../crds/types/gateway-api/referencegrant.js";
import type { ParentReference } from "../../../crds/types/gateway-api/common.js";
import { A_CRT, A_KEY, CA_CRT } from "../../source/testdata/certs.js";

/** An in-memory GatewayObjects holding the given objects (kind from obj.kind). */
export function objectsOf(...objs: KubernetesObject[]): GatewayObjects {
  const byKind = new Map<string, KubernetesObject[]>();
  for (const o of objs) {
    const list = byKind.get(o.kind ?? "") ?? [];
    list.push(o);
    byKind.set(o.kind ?? "", list);
  }
  const key = (o: KubernetesObject): string => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
  for (const list of byKind.values()) list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const byKey = new Map<string, KubernetesObject>();
  for (const [kind, list] of byKind) for (const o of list) byKey.set(`${kind}/${key(o)}`, o);
  return {
    get: <T extends KubernetesObject>(kind: string, namespace: string, name: string) => byKey.get(`${kind}/${namespace}/${name}`) as T | undefined,
    list: <T extends KubernetesObject>(kind: string, namespace?: string) =>
      (byKind.get(kind) ?? []).filter((o) => namespace === undefined || o.metadata?.namespace === namespace) as T[],
  };
}

const meta = (namespace: string, name: string, extra: Record<string, unknown> = {}): KubernetesObject["metadata"] => ({ namespace, name, generation: 1, ...extra });

/** A GatewayClass. */
export function gatewayClass(name: string, controllerName = "projectcontour.io/gateway-controller", extra: Partial<GatewayClass["spec"]> = {}): GatewayClass {
  return { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name, generation: 1 }, spec: { controllerName, ...extra } };
}

/** A Gateway of class "contour". */
export function gateway(namespace: string, name: string, listeners: Listener[], extra: Partial<Gateway["spec"]> = {}, metadata: Record<string, unknown> = {}): Gateway {
  return { apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: meta(namespace, name, metadata), spec: { gatewayClassName: "contour", listeners, ...extra } };
}

/** A plain HTTP listener. */
export function http(name: string, port = 80, extra: Partial<Listener> = {}): Listener {
  return { name, port, protocol: "HTTP", ...extra };
}

/** An HTTPS listener terminating with the given Secret (namespace optional). */
export function https(name: string, secret: string, port = 443, extra: Partial<Listener> = {}, secretNamespace?: string): Listener {
  return { name, port, protocol: "HTTPS", tls: { mode: "Terminate", certificateRefs: [{ name: secret, ...(secretNamespace !== undefined ? { namespace: secretNamespace } : {}) }] }, ...extra };
}

/** A ListenerSet attached to a Gateway. */
export function listenerSet(namespace: string, name: string, parent: { name: string; namespace?: string }, listeners: Listener[], creationTimestamp = "2026-01-01T00:00:00Z"): ListenerSet {
  return { apiVersion: "gateway.networking.k8s.io/v1", kind: "ListenerSet", metadata: meta(namespace, name, { creationTimestamp }), spec: { parentRef: parent, listeners } };
}

/** An HTTPRoute. */
export function httpRoute(namespace: string, name: string, parentRefs: ParentReference[], rules: HTTPRouteRule[], hostnames?: string[], creationTimestamp = "2026-01-01T00:00:00Z"): HTTPRoute {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: meta(namespace, name, { creationTimestamp }),
    spec: { parentRefs, rules, ...(hostnames !== undefined ? { hostnames } : {}) },
  };
}

/** A ReferenceGrant. */
export function referenceGrant(namespace: string, name: string, from: ReferenceGrantFrom[], to: ReferenceGrantTo[]): ReferenceGrant {
  return { apiVersion: "gateway.networking.k8s.io/v1beta1", kind: "ReferenceGrant", metadata: meta(namespace, name), spec: { from, to } };
}

/** A Service with TCP ports (name "" when not given). */
export function service(namespace: string, name: string, ports: { port: number; name?: string; appProtocol?: string; protocol?: "TCP" | "UDP" }[], annotations: Record<string, string> = {}): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace, name, annotations },
    spec: { ports: ports.map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP", ...(p.name !== undefined ? { name: p.name } : {}), ...(p.appProtocol !== undefined ? { appProtocol: p.appProtocol } : {}) })) },
  };
}

/** A Namespace with labels. */
export function namespace(name: string, labels: Record<string, string> = {}): V1Namespace {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels: { "kubernetes.io/metadata.name": name, ...labels } } };
}

/** A ConfigMap holding a CA bundle under ca.crt. */
export function caConfigMap(namespace: string, name: string, pem: string = TEST_CA_PEM): V1ConfigMap {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { namespace, name }, data: { "ca.crt": pem } };
}

/** A kubernetes.io/tls Secret with a real certificate and key (data given as plain text is base64-encoded). */
export function secret(namespace: string, name: string, data: Record<string, string> = { "tls.crt": A_CRT, "tls.key": A_KEY }): V1Secret {
  const encoded: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) encoded[k] = Buffer.from(v, "utf8").toString("base64");
  return { apiVersion: "v1", kind: "Secret", type: "kubernetes.io/tls", metadata: { namespace, name }, data: encoded };
}

/** A real CA certificate. */
export const TEST_CA_PEM = CA_CRT;
