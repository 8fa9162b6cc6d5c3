// Test support: checks that a CRD schema is structural, validates values against it the way the API
// server does for the keywords our CRDs use (CEL rules excepted: the e2e test covers those), and
// lists the field paths a schema or a value has, so tests can compare the two.
import type { JSONSchemaProps } from "../schema/openapi.js";

/** One reason a value does not fit a schema, at a field path like spec.routes[0].services[0].port. */
export interface SchemaError {
  readonly path: string;
  readonly message: string;
}

/** Problems that would make the API server call the schema non-structural (empty when it is fine). */
export function structuralProblems(schema: JSONSchemaProps, path = "<root>"): string[] {
  const problems: string[] = [];
  const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
  if (schema.type === undefined) problems.push(`${path}: no type`);
  if (preserve && schema.properties !== undefined) problems.push(`${path}: properties under x-kubernetes-preserve-unknown-fields`);
  if (schema.properties !== undefined && schema.additionalProperties !== undefined) problems.push(`${path}: both properties and additionalProperties`);
  if (schema.type === "array" && schema.items === undefined) problems.push(`${path}: array without items`);
  if (schema.type !== "object" && (schema.properties !== undefined || schema.additionalProperties !== undefined)) {
    problems.push(`${path}: properties on a ${schema.type ?? "typeless"} schema`);
  }
  for (const [name, child] of Object.entries(schema.properties ?? {})) problems.push(...structuralProblems(child, `${path}.${name}`));
  if (schema.additionalProperties !== undefined) problems.push(...structuralProblems(schema.additionalProperties, `${path}{}`));
  if (schema.items !== undefined) problems.push(...structuralProblems(schema.items, `${path}[]`));
  if (schema.required !== undefined) {
    for (const name of schema.required) if (!(name in (schema.properties ?? {}))) problems.push(`${path}: required ${name} is not a property`);
  }
  if (schema.default !== undefined) {
    for (const e of validateValue(schema, schema.default, `${path}(default)`)) problems.push(`${e.path}: ${e.message}`);
  }
  return problems;
}

/** Every way `value` does not fit `schema`; an unknown field counts (the API server would drop it silently). */
export function validateValue(schema: JSONSchemaProps, value: unknown, path = ""): SchemaError[] {
  const errors: SchemaError[] = [];
  const fail = (message: string): SchemaError[] => {
    errors.push({ path: path || "<root>", message });
    return errors;
  };
  switch (schema.type) {
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return fail(`must be an object, got ${describeValue(value)}`);
      const record = value as Record<string, unknown>;
      for (const name of schema.required ?? []) if (record[name] === undefined) errors.push({ path: join(path, name), message: "Required value" });
      for (const [name, child] of Object.entries(record)) {
        if (child === undefined) continue;
        const childSchema = schema.properties?.[name] ?? schema.additionalProperties;
        if (childSchema === undefined) {
          if (schema["x-kubernetes-preserve-unknown-fields"] !== true && schema.properties !== undefined) errors.push({ path: join(path, name), message: "unknown field" });
          continue;
        }
        errors.push(...validateValue(childSchema, child, join(path, name)));
      }
      break;
    }
    case "array": {
      if (!Array.isArray(value)) return fail(`must be an array, got ${describeValue(value)}`);
      if (schema.minItems !== undefined && value.length < schema.minItems) fail(`must have at least ${schema.minItems} items`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) fail(`must have at most ${schema.maxItems} items`);
      value.forEach((item: unknown, i) => {
        if (schema.items !== undefined) errors.push(...validateValue(schema.items, item, `${path}[${i}]`));
      });
      break;
    }
    case "string": {
      if (typeof value !== "string") return fail(`must be a string, got ${describeValue(value)}`);
      const length = [...value].length;
      if (schema.minLength !== undefined && length < schema.minLength) fail(`must be at least ${schema.minLength} characters`);
      if (schema.maxLength !== undefined && length > schema.maxLength) fail(`must be at most ${schema.maxLength} characters`);
      if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) fail(`must match ${schema.pattern}`);
      if (schema.format === "date-time" && Number.isNaN(Date.parse(value))) fail("must be a date-time");
      break;
    }
    case "integer":
    case "number": {
      if (typeof value !== "number" || (schema.type === "integer" && !Number.isInteger(value))) return fail(`must be an ${schema.type}, got ${describeValue(value)}`);
      if (schema.minimum !== undefined && value < schema.minimum) fail(`must be at least ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum) fail(`must be at most ${schema.maximum}`);
      break;
    }
    case "boolean":
      if (typeof value !== "boolean") return fail(`must be a boolean, got ${describeValue(value)}`);
      break;
    case undefined:
      break;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value as string | number)) fail(`must be one of ${schema.enum.join(", ")}`);
  return errors;
}

/** Field paths a schema defines: "spec.routes[].services[].port"; map values as "context{}". */
export function schemaPaths(schema: JSONSchemaProps, path = ""): string[] {
  const paths: string[] = [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const childPath = join(path, name);
    paths.push(childPath, ...schemaPaths(child, childPath));
  }
  if (schema.additionalProperties !== undefined) paths.push(...schemaPaths(schema.additionalProperties, `${path}{}`));
  if (schema.items !== undefined) paths.push(...schemaPaths(schema.items, `${path}[]`));
  return paths;
}

/** Field paths a value sets, in the form of schemaPaths; map keys are collapsed when `maps` names the path. */
export function valuePaths(value: unknown, maps: ReadonlySet<string>, path = ""): string[] {
  const paths: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) paths.push(...valuePaths(item, maps, `${path}[]`));
  } else if (typeof value === "object" && value !== null) {
    for (const [name, child] of Object.entries(value)) {
      if (maps.has(path)) {
        paths.push(...valuePaths(child, maps, `${path}{}`));
        continue;
      }
      const childPath = join(path, name);
      paths.push(childPath, ...valuePaths(child, maps, childPath));
    }
  }
  return paths;
}

/** Paths of the map-valued (additionalProperties) fields of a schema. */
export function mapPaths(schema: JSONSchemaProps, path = ""): string[] {
  const paths: string[] = schema.additionalProperties !== undefined ? [path] : [];
  for (const [name, child] of Object.entries(schema.properties ?? {})) paths.push(...mapPaths(child, join(path, name)));
  if (schema.items !== undefined) paths.push(...mapPaths(schema.items, `${path}[]`));
  return paths;
}

/** The schema at a dotted property path (no array or map steps), e.g. "spec" or "status". */
export function subSchema(schema: JSONSchemaProps, path: string): JSONSchemaProps {
  let current = schema;
  for (const name of path.split(".")) {
    const next = current.properties?.[name];
    if (next === undefined) throw new Error(`schema has no ${path}`);
    current = next;
  }
  return current;
}

/** Every schema node, with its path, for checks that look at all of them. */
export function* schemaNodes(schema: JSONSchemaProps, path = "<root>"): Generator<[string, JSONSchemaProps]> {
  yield [path, schema];
  for (const [name, child] of Object.entries(schema.properties ?? {})) yield* schemaNodes(child, `${path}.${name}`);
  if (schema.additionalProperties !== undefined) yield* schemaNodes(schema.additionalProperties, `${path}{}`);
  if (schema.items !== undefined) yield* schemaNodes(schema.items, `${path}[]`);
}

function join(path: string, name: string): string {
  return path === "" ? name : `${path}.${name}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
