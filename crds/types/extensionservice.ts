// ExtensionService (projectcontour.io/v1alpha1): a gRPC service Envoy calls on the side (external
// authorization, global rate limiting, tracing). Shapes match crds/projectcontour.io_extensionservices.yaml.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { DetailedCondition } from "./detailed-condition.js";
import type { RequestHashPolicy, TimeoutPolicy, UpstreamValidation } from "./httpproxy.js";

/** The protocols Envoy may speak to an extension: TLS HTTP/2 or cleartext HTTP/2. */
export const EXTENSION_PROTOCOLS = ["h2", "h2c"] as const;
/** h2 (HTTP/2 over TLS) or h2c (cleartext HTTP/2). */
export type ExtensionProtocol = (typeof EXTENSION_PROTOCOLS)[number];

/** The xDS API versions an extension may speak; upstream admits only v3. */
export const EXTENSION_PROTOCOL_VERSIONS = ["v3"] as const;
/** The extension's API version. */
export type ExtensionProtocolVersion = (typeof EXTENSION_PROTOCOL_VERSIONS)[number];

/** An ExtensionService object. */
export interface ExtensionService extends KubernetesObject {
  readonly spec: ExtensionServiceSpec;
  readonly status?: ExtensionServiceStatus;
}

/** What Envoy connects to and how. */
export interface ExtensionServiceSpec {
  /** Services of the ExtensionService's own namespace, with weights. */
  readonly services: readonly ExtensionServiceTarget[];
  /** Verify the extension's certificate (protocol h2 only). */
  readonly validation?: UpstreamValidation;
  /** h2 (the default) or h2c. */
  readonly protocol?: ExtensionProtocol;
  /** Balancing over the endpoints; Cookie and RequestHash are ignored with a warning. */
  readonly loadBalancerPolicy?: ExtensionLoadBalancerPolicy;
  /** response: the timeout of each call; idleConnection: the cluster's; idle is ignored with a warning. */
  readonly timeoutPolicy?: TimeoutPolicy;
  readonly protocolVersion?: ExtensionProtocolVersion;
  /** Thresholds of the extension's cluster. */
  readonly circuitBreakerPolicy?: ExtensionCircuitBreakers;
}

/** One Service of an ExtensionService. */
export interface ExtensionServiceTarget {
  /** A Service in the ExtensionService's namespace. */
  readonly name: string;
  /** The Service port number (1-65535). */
  readonly port: number;
  /** Relative share of calls; 0 or unset: equal shares. */
  readonly weight?: number;
}

/**
 * Load balancing as upstream's v1 LoadBalancerPolicy, except that the CRD admits any strategy
 * string here (unknown ones fall back to RoundRobin), as upstream's ExtensionService CRD does.
 */
export interface ExtensionLoadBalancerPolicy {
  readonly strategy?: string;
  readonly requestHashPolicies?: readonly RequestHashPolicy[];
}

/** Circuit breaker thresholds (upstream's v1alpha1 CircuitBreakers); 0 or unset leaves Envoy's default. */
export interface ExtensionCircuitBreakers {
  readonly maxConnections?: number;
  readonly maxPendingRequests?: number;
  readonly maxRequests?: number;
  readonly maxRetries?: number;
  readonly perHostMaxConnections?: number;
}

/** What the controller reports about an ExtensionService. */
export interface ExtensionServiceStatus {
  readonly conditions?: readonly DetailedCondition[];
}
