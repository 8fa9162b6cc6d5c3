// Sample ExtensionServices for the CRD tests: manifests shaped like upstream's docs and e2e suites
// (which upstream v1.33.6's schema admits, so ours must), one that sets every field of the types
// (the compiler checks nothing is missing), and malformed ones with the field the API server names.
import { API_VERSION_V1ALPHA1, EXTENSION_SERVICE_KIND } from "../constants.js";
import type { ExtensionService, ExtensionServiceSpec } from "../types/extensionservice.js";
import type { Complete } from "./samples.js";

/** An ExtensionService manifest with the given spec (untyped, so malformed specs can be built too). */
export function extensionService(name: string, spec: unknown, namespace = "projectcontour"): ExtensionService {
  return { apiVersion: API_VERSION_V1ALPHA1, kind: EXTENSION_SERVICE_KIND, metadata: { name, namespace }, spec: spec as ExtensionServiceSpec };
}

/** A spec that sets every field the types define. */
export const EVERY_FIELD_EXTENSION_SPEC: Complete<ExtensionServiceSpec> = {
  services: [
    { name: "authz-a", port: 9443, weight: 80 },
    { name: "authz-b", port: 9443, weight: 20 },
  ],
  validation: { caSecret: "certs/authz-ca", subjectName: "authz.example.com", subjectNames: ["authz.example.com", "authz.internal"] },
  protocol: "h2",
  loadBalancerPolicy: {
    strategy: "RequestHash",
    requestHashPolicies: [
      { terminal: true, headerHashOptions: { headerName: "x-user" }, queryParameterHashOptions: { parameterName: "user" }, hashSourceIP: true },
    ],
  },
  timeoutPolicy: { response: "500ms", idle: "infinity", idleConnection: "60s" },
  protocolVersion: "v3",
  circuitBreakerPolicy: { maxConnections: 100, maxPendingRequests: 50, maxRequests: 200, maxRetries: 3, perHostMaxConnections: 10 },
};

/** Manifests upstream's schema admits: its docs' examples and the edges its schema leaves open. */
export function validExtensionServices(namespace = "projectcontour"): ExtensionService[] {
  const many = Array.from({ length: 40 }, (_, i) => ({ name: `rl-${i}`, port: 8081, weight: i }));
  return [
    // The global rate limit guide's service.
    extensionService("ratelimit", { protocol: "h2c", services: [{ name: "ratelimit", port: 8081 }], timeoutPolicy: { response: "100ms" } }, namespace),
    // The external authorization guide's service, TLS with a CA.
    extensionService("htpasswd", { protocol: "h2", services: [{ name: "htpasswd", port: 9443 }], validation: { caSecret: "htpasswd-ca", subjectName: "htpasswd" } }, namespace),
    // The tracing guide's OpenTelemetry collector.
    extensionService("otel-collector", { protocol: "h2c", services: [{ name: "otel-collector", port: 4317 }] }, namespace),
    extensionService("every-field", EVERY_FIELD_EXTENSION_SPEC, namespace),
    // Upstream's schema bounds neither the number of services nor weights nor thresholds.
    extensionService("many-services", { services: many }, namespace),
    extensionService("negative-numbers", { services: [{ name: "s", port: 1, weight: -5 }], circuitBreakerPolicy: { maxConnections: -1, perHostMaxConnections: 0 } }, namespace),
    // Any strategy string, and Cookie (ignored with a warning by the controller).
    extensionService("odd-strategy", { services: [{ name: "s", port: 65535 }], loadBalancerPolicy: { strategy: "Fastest" } }, namespace),
    extensionService("cookie", { services: [{ name: "s", port: 80 }], loadBalancerPolicy: { strategy: "Cookie" } }, namespace),
    extensionService("long-name", { services: [{ name: "s".repeat(300), port: 80 }] }, namespace),
    extensionService("empty-subject-alt", { services: [{ name: "s", port: 80 }], validation: { caSecret: "ca", subjectName: "a", subjectNames: ["a", ""] } }, namespace),
    extensionService("no-spec-fields", { services: [{ name: "s", port: 80 }], timeoutPolicy: {}, loadBalancerPolicy: {}, circuitBreakerPolicy: {} }, namespace),
  ];
}

/** A manifest the API server must refuse, and the field path its error names. */
export interface InvalidExtensionService {
  readonly name: string;
  readonly field: string;
  readonly manifest: ExtensionService;
  /** Checked by a CEL rule: only the API server (e2e) sees it. */
  readonly cel?: boolean;
}

/** Malformed manifests. */
export function invalidExtensionServices(namespace = "projectcontour"): InvalidExtensionService[] {
  const svc = { name: "s", port: 80 };
  const bad = (name: string, field: string, spec: unknown, cel = false): InvalidExtensionService => ({
    name,
    field,
    manifest: extensionService(`bad-${name.replace(/[^a-z0-9]+/g, "-")}`, spec, namespace),
    ...(cel ? { cel } : {}),
  });
  return [
    bad("no services", "spec.services", {}),
    bad("empty services", "spec.services", { services: [] }),
    bad("service without a port", "spec.services[0].port", { services: [{ name: "s" }] }),
    bad("service without a name", "spec.services[0].name", { services: [{ port: 80 }] }),
    bad("port 0", "spec.services[0].port", { services: [{ name: "s", port: 0 }] }),
    bad("port 65537", "spec.services[0].port", { services: [{ name: "s", port: 65537 }] }),
    bad("protocol tls", "spec.protocol", { services: [svc], protocol: "tls" }),
    bad("protocolVersion v2", "spec.protocolVersion", { services: [svc], protocolVersion: "v2" }),
    bad("malformed response timeout", "spec.timeoutPolicy.response", { services: [svc], timeoutPolicy: { response: "forever" } }),
    bad("validation without subjectName", "spec.validation.subjectName", { services: [svc], validation: { caSecret: "ca" } }),
    bad("empty caSecret", "spec.validation.caSecret", { services: [svc], validation: { caSecret: "", subjectName: "a" } }),
    bad("nine subjectNames", "spec.validation.subjectNames", { services: [svc], validation: { caSecret: "ca", subjectName: "a", subjectNames: Array.from({ length: 9 }, () => "a") } }),
    bad("header hash without a name", "spec.loadBalancerPolicy.requestHashPolicies[0].headerHashOptions.headerName", {
      services: [svc],
      loadBalancerPolicy: { strategy: "RequestHash", requestHashPolicies: [{ headerHashOptions: { headerName: "" } }] },
    }),
    bad("string weight", "spec.services[0].weight", { services: [{ ...svc, weight: "10" }] }),
    bad("subjectNames not starting with subjectName", "spec.validation", { services: [svc], validation: { caSecret: "ca", subjectName: "a", subjectNames: ["b"] } }, true),
  ];
}
