// The ExtensionService CRD (projectcontour.io/v1alpha1). crds/projectcontour.io_extensionservices.yaml
// is this object rendered (see render.ts).
//
// Admission matches upstream v1.33.6 field for field: no bound is added to the spec that upstream's
// schema lacks (a manifest upstream admits must be admitted here), so lengths and counts beyond what
// works are reported by the reconciler as status conditions, not refused by the API server.
import {
  EXTENSION_SERVICE_CRD_NAME,
  EXTENSION_SERVICE_KIND,
  EXTENSION_SERVICE_LIST_KIND,
  EXTENSION_SERVICE_PLURAL,
  EXTENSION_SERVICE_SHORT_NAMES,
  EXTENSION_SERVICE_SINGULAR,
  GROUP,
  VERSION_V1ALPHA1,
} from "../constants.js";
import { EXTENSION_PROTOCOLS, EXTENSION_PROTOCOL_VERSIONS } from "../types/extensionservice.js";
import { DURATION_OR_INFINITY_PATTERN, detailedConditions } from "./common.js";
import { array, boolean, int32, object, string, stringEnum, type CustomResourceDefinition, type JSONSchemaProps } from "./openapi.js";

/** A duration as upstream's v1 TimeoutPolicy fields take it: a Go duration or "infinity". */
function timeout(description: string): JSONSchemaProps {
  return string(description, { pattern: DURATION_OR_INFINITY_PATTERN });
}

/** spec.validation: upstream's v1 UpstreamValidation, with its own CEL rule and bounds. */
function validation(): JSONSchemaProps {
  return object(
    "Verify the extension's certificate (protocol h2 only); its first subject name is also the SNI.",
    {
      caSecret: string('Secret holding ca.crt: "name" or "namespace/name" (cross-namespace needs a TLSCertificateDelegation).', {
        minLength: 1,
      }),
      subjectName: string("A subjectAltName the certificate must have. Deprecated: use subjectNames.", { minLength: 1, maxLength: 250 }),
      subjectNames: array("subjectAltNames of which the certificate must have one; the first must equal subjectName.", string("A subjectAltName."), {
        minItems: 1,
        maxItems: 8,
      }),
    },
    ["caSecret", "subjectName"],
    { "x-kubernetes-validations": [{ rule: "has(self.subjectNames) ? self.subjectNames[0] == self.subjectName : true", message: "subjectNames[0] must equal subjectName if set" }] },
  );
}

/** spec.loadBalancerPolicy: upstream's v1 LoadBalancerPolicy as this CRD renders it (strategy unconstrained). */
function loadBalancerPolicy(): JSONSchemaProps {
  const hashPolicy = object("One request attribute to hash; set exactly one of the options.", {
    terminal: boolean("Stop at this policy when its attribute is present."),
    headerHashOptions: object("Hash a request header.", { headerName: string("The header.", { minLength: 1 }) }, ["headerName"]),
    queryParameterHashOptions: object("Hash a query parameter.", { parameterName: string("The parameter.", { minLength: 1 }) }, ["parameterName"]),
    hashSourceIP: boolean("Hash the client's IP address."),
  });
  return object("How calls are spread over the endpoints; Cookie and RequestHash are not supported for extensions and fall back to the default.", {
    strategy: string("RoundRobin (default), WeightedLeastRequest, Random, Cookie or RequestHash; other values mean RoundRobin."),
    requestHashPolicies: array("Request attributes hashed by the RequestHash strategy.", hashPolicy),
  });
}

/** spec.circuitBreakerPolicy: upstream's v1alpha1 CircuitBreakers (int32 fields, no bounds in the schema). */
function circuitBreakerPolicy(): JSONSchemaProps {
  return object("Circuit breaker budget of the extension's cluster; 0 or unset leaves Envoy's default.", {
    maxConnections: int32("Connections one Envoy opens to the extension at most."),
    maxPendingRequests: int32("Requests one Envoy queues at most."),
    maxRequests: int32("Parallel requests one Envoy sends at most."),
    maxRetries: int32("Parallel retries one Envoy makes at most."),
    perHostMaxConnections: int32("Connections one Envoy opens to each endpoint at most."),
  });
}

/** The ExtensionService CustomResourceDefinition. */
export function extensionServiceCrd(): CustomResourceDefinition {
  const target = object(
    "A Service of the ExtensionService's namespace.",
    {
      name: string("Name of the Service."),
      port: { type: "integer", description: "Service port number.", minimum: 1, maximum: 65536 },
      weight: int32("Relative share of calls this Service gets."),
    },
    ["name", "port"],
  );
  const spec = object(
    "How Envoy reaches the extension.",
    {
      services: array("The Services that make up the extension, all in this namespace.", target, { minItems: 1 }),
      validation: validation(),
      protocol: stringEnum("h2 (HTTP/2 over TLS, the default) or h2c (cleartext HTTP/2).", EXTENSION_PROTOCOLS),
      loadBalancerPolicy: loadBalancerPolicy(),
      timeoutPolicy: object("Timeouts: response bounds each call; idleConnection the cluster's idle connections; idle is ignored.", {
        response: timeout('Time for the whole response. A Go duration or "infinity".'),
        idle: timeout('Time without activity on the stream (not supported for extensions). A Go duration or "infinity".'),
        idleConnection: timeout('Time an idle upstream connection is kept. A Go duration or "infinity".'),
      }),
      protocolVersion: stringEnum("The xDS API version the extension speaks: v3.", EXTENSION_PROTOCOL_VERSIONS),
      circuitBreakerPolicy: circuitBreakerPolicy(),
    },
    ["services"],
  );
  const root = object("ExtensionService: a gRPC service Envoy calls for authorization, rate limiting or tracing.", {
    apiVersion: string("projectcontour.io/v1alpha1."),
    kind: string("ExtensionService."),
    metadata: { type: "object" },
    spec,
    status: object("What the controller reports.", {
      conditions: detailedConditions("Conditions: Contour maintains Valid and leaves other types alone."),
    }),
  });
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: EXTENSION_SERVICE_CRD_NAME },
    spec: {
      group: GROUP,
      scope: "Namespaced",
      names: {
        plural: EXTENSION_SERVICE_PLURAL,
        singular: EXTENSION_SERVICE_SINGULAR,
        kind: EXTENSION_SERVICE_KIND,
        listKind: EXTENSION_SERVICE_LIST_KIND,
        shortNames: [...EXTENSION_SERVICE_SHORT_NAMES],
      },
      versions: [{ name: VERSION_V1ALPHA1, served: true, storage: true, schema: { openAPIV3Schema: root }, subresources: { status: {} } }],
    },
  };
}
