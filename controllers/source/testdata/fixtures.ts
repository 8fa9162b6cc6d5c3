/**
 * Fixture builders for tests of reconcilers and the store: small functions that build the
 * Kubernetes objects with only what a test cares about, and a cache holding them.
 */
import type {
  KubernetesObject,
  V1EndpointSlice,
  V1HTTPIngressPath,
  V1Ingress,
  V1IngressClass,
  V1IngressRule,
  V1IngressSpec,
  V1Secret,
  V1Service,
  V1ServicePort,
} from "@kubernetes/client-node";
import type { TlsCertificateDelegation } from "../../secrets/delegation.js";
import { createObjectCache, type MemoryObjectCache } from "../memory-object-cache.js";

/** Metadata options shared by the builders. */
export interface MetaOptions {
  readonly namespace?: string;
  readonly annotations?: Record<string, string>;
  readonly resourceVersion?: string;
}

function meta(name: string, o: MetaOptions, defaultNamespace = "default"): V1Ingress["metadata"] {
  return {
    name,
    namespace: o.namespace ?? defaultNamespace,
    ...(o.annotations !== undefined ? { annotations: o.annotations } : {}),
    ...(o.resourceVersion !== undefined ? { resourceVersion: o.resourceVersion } : {}),
  };
}

/** An Ingress (networking.k8s.io/v1). */
export function ingress(name: string, spec: V1IngressSpec, o: MetaOptions = {}): V1Ingress {
  return { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: meta(name, o), spec };
}

/** An Ingress rule for a host ("" for none) with paths. */
export function rule(host: string, ...paths: V1HTTPIngressPath[]): V1IngressRule {
  return { ...(host !== "" ? { host } : {}), http: { paths } };
}

/** An Ingress path to a Service port given by number or by name. */
export function path(p: string | undefined, service: string, port: number | string, pathType = "Prefix"): V1HTTPIngressPath {
  return {
    ...(p !== undefined ? { path: p } : {}),
    pathType,
    backend: { service: { name: service, port: typeof port === "number" ? { number: port } : { name: port } } },
  };
}

/** A Service port. */
export function port(portNumber: number, name?: string, extra: Partial<V1ServicePort> = {}): V1ServicePort {
  return { port: portNumber, ...(name !== undefined ? { name } : {}), protocol: "TCP", ...extra };
}

/** A ClusterIP Service with ports. */
export function service(name: string, ports: V1ServicePort[], o: MetaOptions & { readonly type?: string } = {}): V1Service {
  return { apiVersion: "v1", kind: "Service", metadata: meta(name, o), spec: { type: o.type ?? "ClusterIP", ports } };
}

/** A Secret with data given as plain text (encoded to base64 here, as the API server serves it). */
export function secret(name: string, type: string, data: Record<string, string>, o: MetaOptions = {}): V1Secret {
  const encoded: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) encoded[k] = Buffer.from(v, "utf8").toString("base64");
  return { apiVersion: "v1", kind: "Secret", metadata: meta(name, o), type, data: encoded };
}

/** A kubernetes.io/tls Secret. */
export function tlsSecret(name: string, cert: string, key: string, o: MetaOptions = {}): V1Secret {
  return secret(name, "kubernetes.io/tls", { "tls.crt": cert, "tls.key": key }, o);
}

/** An EndpointSlice of a Service with ready endpoints on one named port. */
export function endpointSlice(name: string, serviceName: string, addresses: string[], portNumber: number, portName = "", o: MetaOptions = {}): V1EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { ...meta(name, o), labels: { "kubernetes.io/service-name": serviceName } },
    addressType: "IPv4",
    endpoints: addresses.map((a) => ({ addresses: [a], conditions: { ready: true } })),
    ports: [{ name: portName, port: portNumber, protocol: "TCP" }],
  };
}

/** An IngressClass (cluster-scoped). */
export function ingressClass(name: string, controller: string): V1IngressClass {
  return { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name }, spec: { controller } };
}

/** A TLSCertificateDelegation (projectcontour.io/v1). */
export function tlsDelegation(name: string, namespace: string, delegations: { secretName: string; targetNamespaces: string[] }[]): TlsCertificateDelegation {
  return { apiVersion: "projectcontour.io/v1", kind: "TLSCertificateDelegation", metadata: { name, namespace }, spec: { delegations } };
}

/** A cache holding the objects (each must carry its kind). */
export function cacheOf(...objects: KubernetesObject[]): MemoryObjectCache {
  const cache = createObjectCache();
  for (const o of objects) cache.insert(o);
  return cache;
}
