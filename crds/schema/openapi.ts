// The shapes of a CustomResourceDefinition as it appears on the wire (raw JSON keys such as `enum`
// and `x-kubernetes-validations`, unlike client-node's model classes), and small builders for the
// OpenAPI v3 schemas our CRDs are written with.

/** An OpenAPI v3 schema of a structural CRD (the subset our CRDs use). */
export interface JSONSchemaProps {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  description?: string;
  format?: string;
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  additionalProperties?: JSONSchemaProps;
  items?: JSONSchemaProps;
  enum?: Array<string | number>;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-validations"?: ValidationRule[];
}

/** A CEL rule checked by the API server. */
export interface ValidationRule {
  rule: string;
  message?: string;
}

/** A column of `kubectl get` (and of the Table form of a list). */
export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description?: string;
  priority?: number;
}

/** One version of a CRD. */
export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: { openAPIV3Schema: JSONSchemaProps };
  subresources?: { status?: Record<string, never> };
  additionalPrinterColumns?: PrinterColumn[];
}

/** An apiextensions.k8s.io/v1 CustomResourceDefinition. */
export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: { plural: string; singular: string; kind: string; listKind: string; shortNames?: string[] };
    versions: CrdVersion[];
  };
}

/** Constraints and extras that may be added to any schema. */
export type Extras = Omit<JSONSchemaProps, "type" | "description" | "properties" | "items" | "required">;

/** An object with the given properties; `required` lists the ones that must be present. */
export function object(description: string, properties: Record<string, JSONSchemaProps>, required: string[] = [], extras: Extras = {}): JSONSchemaProps {
  const schema: JSONSchemaProps = { type: "object", description, ...extras, properties };
  if (required.length > 0) {
    for (const name of required) {
      if (!(name in properties)) throw new Error(`schema: required property ${name} is not among the properties`);
    }
    schema.required = required;
  }
  return schema;
}

/** A map from string keys to values of one schema. */
export function map(description: string, values: JSONSchemaProps, extras: Extras = {}): JSONSchemaProps {
  return { type: "object", description, ...extras, additionalProperties: values };
}

/** A list of items of one schema. */
export function array(description: string, items: JSONSchemaProps, extras: Extras = {}): JSONSchemaProps {
  return { type: "array", description, ...extras, items };
}

/** A string. */
export function string(description: string, extras: Extras = {}): JSONSchemaProps {
  return { type: "string", description, ...extras };
}

/** A string from a fixed list. */
export function stringEnum(description: string, values: readonly string[], extras: Extras = {}): JSONSchemaProps {
  return { type: "string", description, ...extras, enum: [...values] };
}

/** A 64-bit integer (Go int64/int). */
export function integer(description: string, extras: Extras = {}): JSONSchemaProps {
  return { type: "integer", description, format: "int64", ...extras };
}

/** A 32-bit integer (Go int32). */
export function int32(description: string, extras: Extras = {}): JSONSchemaProps {
  return { type: "integer", description, format: "int32", ...extras };
}

/**
 * An unsigned 32-bit integer (Go uint32). Unbounded, as upstream's schema leaves it: a negative or too
 * large value is admitted and refused by the reconciler in status (upstream's Go client cannot even decode it).
 */
export function uint32(description: string, extras: Extras = {}): JSONSchemaProps {
  return { type: "integer", description, format: "int64", ...extras };
}

/** A boolean. */
export function boolean(description: string, extras: Extras = {}): JSONSchemaProps {
  return { type: "boolean", description, ...extras };
}

/** The same schema with a different description (for a shared shape used in several places). */
export function describe(schema: JSONSchemaProps, description: string): JSONSchemaProps {
  return { ...schema, description };
}
