// Schema pieces used in several places of our CRDs: size limits, patterns, references, header and
// match conditions, IP filters, upstream validation and the DetailedCondition status.
import { CONDITION_STATUSES } from "../types/detailed-condition.js";
import { IP_FILTER_SOURCES } from "../types/httpproxy.js";
import { array, boolean, integer, object, string, stringEnum, type JSONSchemaProps } from "./openapi.js";

/**
 * Bounds on strings and lists. Upstream leaves most of them open; these keep a hostile object from
 * costing the API server, the controller or CEL much, and are far above anything a real one needs.
 */
export const LIMITS = {
  /** A Kubernetes object name (DNS-1123 subdomain). */
  name: 253,
  /** A namespace (DNS-1123 label). */
  namespace: 63,
  /** "namespace/name" of a Secret. */
  namespacedName: 63 + 1 + 253,
  /** A Go duration (the controller's parser accepts no more). */
  duration: 64,
  /** An HTTP header or query parameter name. */
  headerName: 256,
  /** A header value, match string, path or regex. */
  value: 4096,
  /** A header value that is set (CSP and similar headers can be long). */
  headerValue: 16384,
  /** A direct response body. */
  body: 65536,
  /** A CIDR or bare IP address (the longest IPv6 CIDR is 43 characters). */
  cidr: 64,
  /** Routes of one HTTPProxy. */
  routes: 4096,
  /** Includes of one HTTPProxy. */
  includes: 1024,
  /**
   * Services of one route. Also keeps the CEL rule of upstream validation (once per service of
   * every route) within the API server's cost budget: routes x services must stay near 65536.
   */
  services: 16,
  /** Match conditions of one route or include. */
  conditions: 64,
  /** IP filter rules of one scope. */
  ipFilters: 1024,
  /** Most other lists (headers to set, hash policies, descriptors...). */
  list: 128,
  /** Status conditions, and errors or warnings of one condition. */
  conditionsStatus: 64,
  subConditions: 1024,
} as const;

/** A Go duration ("1h30m", "300ms"...). */
export const DURATION_PATTERN = String.raw`^(((\d*(\.\d*)?h)|(\d*(\.\d*)?m)|(\d*(\.\d*)?s)|(\d*(\.\d*)?ms)|(\d*(\.\d*)?us)|(\d*(\.\d*)?µs)|(\d*(\.\d*)?ns))+)$`;
/** A Go duration, or "infinity"/"infinite" for no timeout. */
export const DURATION_OR_INFINITY_PATTERN = String.raw`^(((\d*(\.\d*)?h)|(\d*(\.\d*)?m)|(\d*(\.\d*)?s)|(\d*(\.\d*)?ms)|(\d*(\.\d*)?us)|(\d*(\.\d*)?µs)|(\d*(\.\d*)?ns))+|infinity|infinite)$`;
/** A Go duration, or "0". */
export const DURATION_OR_ZERO_PATTERN = String.raw`^(((\d*(\.\d*)?h)|(\d*(\.\d*)?m)|(\d*(\.\d*)?s)|(\d*(\.\d*)?ms)|(\d*(\.\d*)?us)|(\d*(\.\d*)?µs)|(\d*(\.\d*)?ns))+|0)$`;
/** A lower-case DNS name (DNS-1123 subdomain). */
export const HOSTNAME_PATTERN = String.raw`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`;
/** A lower-case DNS name that may start with one "*." label. */
export const FQDN_PATTERN = String.raw`^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`;
/** A condition type: CamelCase, optionally prefixed by "<dns subdomain>/". */
export const CONDITION_TYPE_PATTERN = String.raw`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$`;
/** A condition reason: CamelCase identifier. */
export const CONDITION_REASON_PATTERN = String.raw`^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$`;

/** A duration string with the given pattern. */
export function duration(description: string, pattern: string = DURATION_OR_INFINITY_PATTERN): JSONSchemaProps {
  return string(description, { pattern, maxLength: LIMITS.duration });
}

/** The name of an object in the same namespace. */
export function objectName(description: string): JSONSchemaProps {
  return string(description, { minLength: 1, maxLength: LIMITS.name });
}

/** A namespace name. */
export function namespaceName(description: string): JSONSchemaProps {
  return string(description, { minLength: 1, maxLength: LIMITS.namespace });
}

/** A Secret reference: "name", or "namespace/name" where a TLSCertificateDelegation permits it. */
export function secretReference(description: string): JSONSchemaProps {
  return string(description, { minLength: 1, maxLength: LIMITS.namespacedName });
}

/** A plain string value (match text, path, regex) of bounded size. */
export function value(description: string): JSONSchemaProps {
  return string(description, { maxLength: LIMITS.value });
}

/** A header name and a value to set. */
export function headerValue(description: string): JSONSchemaProps {
  return object(
    description,
    {
      name: string("Header name.", { minLength: 1, maxLength: LIMITS.headerName }),
      value: string("Header value.", { minLength: 1, maxLength: LIMITS.headerValue }),
    },
    ["name", "value"],
  );
}

/** Headers to set and to remove. */
export function headersPolicy(description: string): JSONSchemaProps {
  return object(description, {
    set: array("Headers to set, replacing any existing value.", headerValue("A header to set."), { maxItems: LIMITS.list }),
    remove: array("Names of headers to remove.", string("Header name.", { minLength: 1, maxLength: LIMITS.headerName }), { maxItems: LIMITS.list }),
  });
}

/** A header match: the name and one matcher. */
export function headerMatchCondition(description: string): JSONSchemaProps {
  return object(
    description,
    {
      name: string("Header name (case-insensitive).", { minLength: 1, maxLength: LIMITS.headerName }),
      present: boolean("True when the header is present, whatever its value."),
      notpresent: boolean("True when the header is absent."),
      contains: value("The value must contain this substring."),
      notcontains: value("The value must not contain this substring."),
      ignoreCase: boolean("Compare strings case-insensitively (no effect on regex)."),
      exact: value("The value must equal this."),
      notexact: value("The value must differ from this."),
      regex: value("The value must match this regular expression."),
      treatMissingAsEmpty: boolean("For notcontains and notexact: a missing header counts as an empty value."),
    },
    ["name"],
  );
}

/** A query parameter match: the name and one matcher. */
export function queryParameterMatchCondition(description: string): JSONSchemaProps {
  return object(
    description,
    {
      name: string("Query parameter name.", { minLength: 1, maxLength: LIMITS.headerName }),
      exact: value("The value must equal this."),
      prefix: value("The value must start with this."),
      suffix: value("The value must end with this."),
      regex: value("The value must match this regular expression."),
      contains: value("The value must contain this substring."),
      ignoreCase: boolean("Compare strings case-insensitively (no effect on regex)."),
      present: boolean("True when the parameter is present, whatever its value."),
    },
    ["name"],
  );
}

/** A list of ANDed request matches. */
export function matchConditions(description: string): JSONSchemaProps {
  return array(
    description,
    object("One match; set one of its fields.", {
      prefix: value("Path prefix."),
      exact: value("Exact path; not allowed on includes."),
      regex: value("Path regular expression; not allowed on includes."),
      header: headerMatchCondition("Header match."),
      queryParameter: queryParameterMatchCondition("Query parameter match."),
    }),
    { maxItems: LIMITS.conditions },
  );
}

/** IP filter rules. */
export function ipFilterPolicies(description: string): JSONSchemaProps {
  return array(
    description,
    object(
      "One rule.",
      {
        source: stringEnum("Peer filters on the connection's address; Remote on the client's, after PROXY protocol and X-Forwarded-For.", IP_FILTER_SOURCES),
        cidr: string("An IPv4 or IPv6 CIDR, or a bare address.", { minLength: 1, maxLength: LIMITS.cidr }),
      },
      ["source", "cidr"],
    ),
    { maxItems: LIMITS.ipFilters },
  );
}

/** How a backend (or JWKS server) certificate is verified. */
export function upstreamValidation(description: string): JSONSchemaProps {
  return object(
    description,
    {
      caSecret: secretReference('Secret holding ca.crt: "name" or "namespace/name" (cross-namespace needs a TLSCertificateDelegation).'),
      subjectName: string("A subjectAltName the certificate must have. Deprecated: use subjectNames.", { minLength: 1, maxLength: 250 }),
      subjectNames: array(
        "subjectAltNames of which the certificate must have one; the first must equal subjectName.",
        string("A subjectAltName.", { minLength: 1, maxLength: 250 }),
        { minItems: 1, maxItems: 8 },
      ),
    },
    ["caSecret", "subjectName"],
    { "x-kubernetes-validations": [{ rule: "!has(self.subjectNames) || self.subjectNames[0] == self.subjectName", message: "subjectNames[0] must equal subjectName" }] },
  );
}

/** A sub-condition (an error or a warning) of a DetailedCondition. */
function subCondition(description: string): JSONSchemaProps {
  return object(
    description,
    {
      type: string("Abnormal-true type, e.g. ErrorFound or example.com/ErrorFound.", { pattern: CONDITION_TYPE_PATTERN, maxLength: 316 }),
      status: stringEnum("True, False or Unknown.", CONDITION_STATUSES),
      reason: string("CamelCase programmatic identifier.", { pattern: CONDITION_REASON_PATTERN, minLength: 1, maxLength: 1024 }),
      message: string("Human-readable detail.", { maxLength: 32768 }),
    },
    ["type", "status", "reason", "message"],
  );
}

/** Status conditions (upstream's DetailedCondition), a list keyed by type. */
export function detailedConditions(description: string): JSONSchemaProps {
  const condition = object(
    "A condition with its errors and warnings.",
    {
      type: string("Condition type, e.g. Valid.", { pattern: CONDITION_TYPE_PATTERN, maxLength: 316 }),
      status: stringEnum("True, False or Unknown.", CONDITION_STATUSES),
      observedGeneration: integer("The metadata.generation the condition was computed from.", { minimum: 0 }),
      lastTransitionTime: string("When the status last changed.", { format: "date-time" }),
      reason: string("CamelCase programmatic identifier.", { pattern: CONDITION_REASON_PATTERN, minLength: 1, maxLength: 1024 }),
      message: string("Human-readable detail.", { maxLength: 32768 }),
      errors: array("Fatal problems, present only while they apply.", subCondition("An error."), { maxItems: LIMITS.subConditions }),
      warnings: array("Non-fatal problems, present only while they apply.", subCondition("A warning."), { maxItems: LIMITS.subConditions }),
    },
    ["type", "status", "lastTransitionTime", "reason", "message"],
  );
  return array(description, condition, {
    maxItems: LIMITS.conditionsStatus,
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": ["type"],
  });
}
