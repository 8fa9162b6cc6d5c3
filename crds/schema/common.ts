// Schema pieces used in several places of our CRDs: patterns, references, header and
// match conditions, IP filters, upstream validation and the DetailedCondition status.
import { CONDITION_STATUSES } from "../types/detailed-condition.js";
import { IP_FILTER_SOURCES } from "../types/httpproxy.js";
import { array, boolean, integer, object, string, stringEnum, type JSONSchemaProps } from "./openapi.js";

// No size bounds here: upstream's schema has none on these strings and lists, and a manifest upstream
// admits must apply here too. The reconcilers bound what they serve instead (controllers/httpproxy/
// list-limits.ts and limits.ts), as status conditions naming the field.

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
  return string(description, { pattern });
}

/** The name of an object in the same namespace. */
export function objectName(description: string): JSONSchemaProps {
  return string(description);
}

/** A namespace name. */
export function namespaceName(description: string): JSONSchemaProps {
  return string(description);
}

/** A Secret reference: "name", or "namespace/name" where a TLSCertificateDelegation permits it. */
export function secretReference(description: string): JSONSchemaProps {
  return string(description);
}

/** A plain string value (match text, path, regex); its size is bounded by the reconciler. */
export function value(description: string): JSONSchemaProps {
  return string(description);
}

/** A header name and a value to set. */
export function headerValue(description: string): JSONSchemaProps {
  return object(
    description,
    {
      name: string("Header name.", { minLength: 1 }),
      value: string("Header value.", { minLength: 1 }),
    },
    ["name", "value"],
  );
}

/** Headers to set and to remove. */
export function headersPolicy(description: string): JSONSchemaProps {
  return object(description, {
    set: array("Headers to set, replacing any existing value.", headerValue("A header to set.")),
    remove: array("Names of headers to remove.", string("Header name.")),
  });
}

/** A header match: the name and one matcher. */
export function headerMatchCondition(description: string): JSONSchemaProps {
  return object(
    description,
    {
      name: string("Header name (case-insensitive)."),
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
      name: string("Query parameter name."),
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
        cidr: string("An IPv4 or IPv6 CIDR, or a bare address."),
      },
      ["source", "cidr"],
    ),
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
        string("A subjectAltName."),
        { minItems: 1, maxItems: 8 },
      ),
    },
    ["caSecret", "subjectName"],
    { "x-kubernetes-validations": [{ rule: "has(self.subjectNames) ? self.subjectNames[0] == self.subjectName : true", message: "subjectNames[0] must equal subjectName if set" }] },
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
      errors: array("Fatal problems, present only while they apply.", subCondition("An error.")),
      warnings: array("Non-fatal problems, present only while they apply.", subCondition("A warning.")),
    },
    ["type", "status", "lastTransitionTime", "reason", "message"],
  );
  return array(description, condition, {
    "x-kubernetes-list-type": "map",
    "x-kubernetes-list-map-keys": ["type"],
  });
}
