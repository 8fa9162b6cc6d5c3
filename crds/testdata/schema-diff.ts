// Compares two CRDs keyword by keyword and lists every place where the first ("ours") would refuse a
// manifest that the second ("upstream") admits: a field it lacks, a narrower type, enum, pattern,
// bound, required field, CEL rule, list type or format. Looser is fine and is not reported: the
// question is only "does every manifest upstream admits still apply here?".

/** A schema node as read from YAML: every OpenAPI keyword the API server knows may be present. */
export type SchemaNode = Record<string, unknown>;

/** One way ours is stricter than upstream, at a field path like spec.routes[].services. */
export interface Stricter {
  /** The CRD's metadata.name. */
  readonly crd: string;
  /** The field path ("<crd>" for the CRD itself). */
  readonly path: string;
  /** The keyword that differs (maxItems, enum, missing-field, x-kubernetes-validations, ...). */
  readonly keyword: string;
  /** Both sides, in a sentence. */
  readonly detail: string;
}

/** A CRD as read from YAML, only the parts compared. */
export interface CrdDocument {
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly scope?: string;
    readonly names?: { readonly kind?: string; readonly plural?: string; readonly singular?: string; readonly shortNames?: readonly string[] };
    readonly versions: ReadonlyArray<{ readonly name: string; readonly served?: boolean; readonly subresources?: Record<string, unknown>; readonly schema?: { readonly openAPIV3Schema?: SchemaNode } }>;
  };
}

/** Keywords whose larger value is stricter (a lower bound), or whose smaller value is (an upper bound). */
const LOWER_BOUNDS = ["minimum", "minLength", "minItems", "minProperties"] as const;
const UPPER_BOUNDS = ["maximum", "maxLength", "maxItems", "maxProperties"] as const;

/** Keywords that only restrict when ours has them and upstream has not (their content is not compared). */
const COMBINATORS = ["oneOf", "anyOf", "allOf", "not"] as const;

/** String formats the API server checks (kube-openapi's strfmt registry, the ones CRDs use). */
const CHECKED_STRING_FORMATS = new Set(["date-time", "date", "uuid", "byte", "email", "hostname", "ipv4", "ipv6", "cidr", "uri", "duration", "mac", "datetime"]);

/** Every way `ours` refuses what `upstream` admits, for two CRDs of the same name. */
export function crdStricter(ours: CrdDocument | undefined, upstream: CrdDocument): Stricter[] {
  const crd = upstream.metadata.name;
  const out: Stricter[] = [];
  const add = (path: string, keyword: string, detail: string): void => void out.push({ crd, path, keyword, detail });
  if (ours === undefined) {
    add("<crd>", "missing-crd", `upstream defines ${crd}, we do not`);
    return out;
  }
  if (ours.spec.scope !== upstream.spec.scope) add("<crd>", "scope", `ours ${String(ours.spec.scope)}, upstream ${String(upstream.spec.scope)}`);
  for (const key of ["kind", "plural", "singular"] as const) {
    if (ours.spec.names?.[key] !== upstream.spec.names?.[key]) add("<crd>", `names.${key}`, `ours ${String(ours.spec.names?.[key])}, upstream ${String(upstream.spec.names?.[key])}`);
  }
  for (const short of upstream.spec.names?.shortNames ?? []) {
    if (!(ours.spec.names?.shortNames ?? []).includes(short)) add("<crd>", "names.shortNames", `upstream's short name ${short} is missing`);
  }
  for (const version of upstream.spec.versions) {
    if (version.served === false) continue;
    const mine = ours.spec.versions.find((v) => v.name === version.name);
    if (mine === undefined || mine.served === false) {
      add("<crd>", "versions", `upstream serves ${version.name}, we do not`);
      continue;
    }
    for (const sub of Object.keys(version.subresources ?? {})) {
      if (mine.subresources?.[sub] === undefined) add(`<${version.name}>`, "subresources", `upstream has the ${sub} subresource, we do not`);
    }
    const upstreamSchema = version.schema?.openAPIV3Schema;
    const ourSchema = mine.schema?.openAPIV3Schema;
    if (upstreamSchema !== undefined && ourSchema !== undefined) {
      for (const s of schemaStricter(ourSchema, upstreamSchema, "")) out.push({ crd, ...s });
    }
  }
  return out;
}

/** Every way the schema `ours` refuses values the schema `upstream` admits, below `path`. */
export function schemaStricter(ours: SchemaNode, upstream: SchemaNode, path: string): Array<Omit<Stricter, "crd">> {
  const out: Array<Omit<Stricter, "crd">> = [];
  const at = path === "" ? "<root>" : path;
  const add = (keyword: string, detail: string): void => void out.push({ path: at, keyword, detail });

  // Upstream admitting anything here (int-or-string, unknown fields kept) needs the same on our side.
  if (upstream["x-kubernetes-int-or-string"] === true && ours["x-kubernetes-int-or-string"] !== true) add("x-kubernetes-int-or-string", "upstream takes an integer or a string, ours does not");
  const upstreamOpen = upstream["x-kubernetes-preserve-unknown-fields"] === true;
  const oursOpen = ours["x-kubernetes-preserve-unknown-fields"] === true;
  if (upstreamOpen && !oursOpen) add("x-kubernetes-preserve-unknown-fields", "upstream keeps unknown fields here, ours drops or refuses them");

  if (upstream["type"] !== undefined && ours["type"] !== undefined && upstream["type"] !== ours["type"] && !(upstream["type"] === "integer" && ours["type"] === "number")) {
    add("type", `ours ${String(ours["type"])}, upstream ${String(upstream["type"])}`);
    return out;
  }
  if (upstream["type"] === undefined && ours["type"] !== undefined && upstream["x-kubernetes-int-or-string"] !== true) add("type", `ours ${String(ours["type"])}, upstream any`);
  if (upstream["nullable"] === true && ours["nullable"] !== true) add("nullable", "upstream accepts null, ours does not");

  for (const key of LOWER_BOUNDS) {
    const mine = ours[key];
    if (typeof mine !== "number") continue;
    const theirs = upstream[key];
    if (typeof theirs !== "number" || mine > theirs) add(key, `ours ${mine}, upstream ${typeof theirs === "number" ? theirs : "none"}`);
  }
  for (const key of UPPER_BOUNDS) {
    const mine = ours[key];
    if (typeof mine !== "number") continue;
    const theirs = upstream[key];
    if (typeof theirs !== "number" || mine < theirs) add(key, `ours ${mine}, upstream ${typeof theirs === "number" ? theirs : "none"}`);
  }
  if (ours["exclusiveMinimum"] === true && upstream["exclusiveMinimum"] !== true && ours["minimum"] === upstream["minimum"]) add("exclusiveMinimum", "ours excludes the minimum, upstream does not");
  if (ours["exclusiveMaximum"] === true && upstream["exclusiveMaximum"] !== true && ours["maximum"] === upstream["maximum"]) add("exclusiveMaximum", "ours excludes the maximum, upstream does not");

  if (Array.isArray(ours["enum"])) {
    const theirs = upstream["enum"];
    if (!Array.isArray(theirs)) add("enum", `ours ${JSON.stringify(ours["enum"])}, upstream any value`);
    else {
      const missing = theirs.filter((v: unknown) => !(ours["enum"] as unknown[]).includes(v));
      if (missing.length > 0) add("enum", `upstream's ${JSON.stringify(missing)} missing from ours`);
    }
  }
  if (typeof ours["pattern"] === "string" && ours["pattern"] !== upstream["pattern"]) {
    add("pattern", `ours ${ours["pattern"]}, upstream ${typeof upstream["pattern"] === "string" ? upstream["pattern"] : "none"}`);
  }
  if (typeof ours["format"] === "string" && CHECKED_STRING_FORMATS.has(ours["format"]) && ours["format"] !== upstream["format"]) {
    add("format", `ours ${ours["format"]}, upstream ${typeof upstream["format"] === "string" ? upstream["format"] : "none"}`);
  }
  for (const key of COMBINATORS) {
    if (ours[key] !== undefined && JSON.stringify(ours[key]) !== JSON.stringify(upstream[key])) add(key, `ours has ${key}, upstream ${upstream[key] === undefined ? "none" : "another"}`);
  }
  const theirRequired = new Set(asStrings(upstream["required"]));
  for (const name of asStrings(ours["required"])) if (!theirRequired.has(name)) add("required", `ours requires ${name}, upstream does not`);

  const theirRules = new Set(rules(upstream).map((r) => normalizeRule(r)));
  for (const rule of rules(ours)) if (!theirRules.has(normalizeRule(rule))) add("x-kubernetes-validations", `ours has the rule ${JSON.stringify(rule)}`);

  const ourList = ours["x-kubernetes-list-type"] ?? "atomic";
  const theirList = upstream["x-kubernetes-list-type"] ?? "atomic";
  if (ours["type"] === "array" && ourList !== theirList && ourList !== "atomic") {
    const keys = JSON.stringify(ours["x-kubernetes-list-map-keys"] ?? []);
    if (!(ourList === "map" && theirList === "map" && keys === JSON.stringify(upstream["x-kubernetes-list-map-keys"] ?? []))) add("x-kubernetes-list-type", `ours ${String(ourList)}, upstream ${String(theirList)}`);
  } else if (ourList === "map" && theirList === "map" && JSON.stringify(ours["x-kubernetes-list-map-keys"]) !== JSON.stringify(upstream["x-kubernetes-list-map-keys"])) {
    add("x-kubernetes-list-map-keys", `ours ${JSON.stringify(ours["x-kubernetes-list-map-keys"])}, upstream ${JSON.stringify(upstream["x-kubernetes-list-map-keys"])}`);
  }

  // Below a node that keeps unknown fields on our side, nothing is pruned or refused for being unknown;
  // the properties we do declare are still checked.
  const ourProps = asSchemas(ours["properties"]);
  const theirProps = asSchemas(upstream["properties"]);
  const ourExtra = asSchema(ours["additionalProperties"]);
  const theirExtra = asSchema(upstream["additionalProperties"]);
  for (const [name, theirs] of Object.entries(theirProps)) {
    const child = path === "" ? name : `${path}.${name}`;
    const mine = ourProps[name] ?? ourExtra;
    if (mine === undefined) {
      if (!oursOpen) out.push({ path: child, keyword: "missing-field", detail: "upstream has this field, ours does not" });
      continue;
    }
    out.push(...schemaStricter(mine, theirs, child));
  }
  if (theirExtra !== undefined) {
    if (ourExtra !== undefined) out.push(...schemaStricter(ourExtra, theirExtra, `${path}{}`));
    else if (!oursOpen) add("additionalProperties", "upstream takes any key here (a map), ours does not");
  }
  const theirItems = asSchema(upstream["items"]);
  const ourItems = asSchema(ours["items"]);
  if (theirItems !== undefined && ourItems !== undefined) out.push(...schemaStricter(ourItems, theirItems, `${path}[]`));
  return out;
}

/** CEL rules compare by their text without whitespace (controller-gen folds long rules over lines). */
function normalizeRule(rule: string): string {
  return rule.replace(/\s+/g, "");
}

function rules(node: SchemaNode): string[] {
  const list = node["x-kubernetes-validations"];
  if (!Array.isArray(list)) return [];
  return list.map((r: unknown) => (typeof r === "object" && r !== null && typeof (r as { rule?: unknown }).rule === "string" ? (r as { rule: string }).rule : "")).filter((r) => r !== "");
}

function asStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function asSchema(value: unknown): SchemaNode | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as SchemaNode) : undefined;
}

function asSchemas(value: unknown): Record<string, SchemaNode> {
  const record = asSchema(value);
  if (record === undefined) return {};
  const out: Record<string, SchemaNode> = {};
  for (const [k, v] of Object.entries(record)) {
    const s = asSchema(v);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** One line per difference, for a test's failure message or a report. */
export function formatStricter(list: readonly Stricter[]): string {
  return list.map((s) => `${s.crd} ${s.path}: ${s.keyword}: ${s.detail}`).join("\n");
}
