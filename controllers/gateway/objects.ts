import type { KubernetesObject } from "@kubernetes/client-node";
import type { Condition } from "../store/fragment.js";

/**
 * The read-only view of watched objects the Gateway API reconcilers consult: the pipeline's
 * ObjectCache satisfies it once the cache holds the Gateway kinds (kinds are plain strings here so
 * this core does not wait for that).
 */
export interface GatewayObjects {
  get<T extends KubernetesObject = KubernetesObject>(kind: string, namespace: string, name: string): T | undefined;
  /** Objects of a kind sorted by namespace then name; one namespace's when given. */
  list<T extends KubernetesObject = KubernetesObject>(kind: string, namespace?: string): readonly T[];
}

/** An object a reconcile read, present or missing: a change to it must re-run the reconcile. */
export interface Dependency {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** Collects dependencies, each once, emitted sorted. */
export interface DependencySet {
  add(kind: string, namespace: string, name: string): void;
  sorted(): Dependency[];
}

/** A new empty DependencySet. */
export function createDependencySet(): DependencySet {
  const byKey = new Map<string, Dependency>();
  return {
    add(kind, namespace, name) {
      byKey.set(`${kind}/${namespace}/${name}`, { kind, namespace, name });
    },
    sorted() {
      return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
    },
  };
}

/** A condition of a Gateway API object: type, status, reason (PascalCase) and a message naming the field. */
export function condition(type: string, status: boolean, reason: string, message: string): Condition {
  return { type, status: status ? "True" : "False", reason, message };
}

/** The name and namespace of an object, "" when absent. */
export function nameOf(obj: KubernetesObject): { readonly namespace: string; readonly name: string } {
  return { namespace: obj.metadata?.namespace ?? "", name: obj.metadata?.name ?? "" };
}

/** Code-unit string order, independent of locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The entries of a list field that are objects: the schema guarantees this for objects written
 * through the API server, but an old CRD or a hand-edited store may hold nulls or scalars.
 */
export function entries<T>(list: readonly T[] | undefined | unknown): T[] {
  return Array.isArray(list) ? (list.filter((x) => x !== null && typeof x === "object") as T[]) : [];
}

/** Why a reconcile failed on input it did not expect, for a condition message. */
export function failure(e: unknown): string {
  return `the object could not be processed: ${e instanceof Error ? e.message : String(e)}`.slice(0, 512);
}

/**
 * A creationTimestamp as fixed-width RFC 3339 text for ordering by age ("" when absent or
 * unparseable, which sorts first): the client library gives a Date, test fixtures and YAML a string.
 */
export function timestampText(value: unknown): string {
  const d = value instanceof Date ? value : typeof value === "string" ? new Date(value) : undefined;
  return d === undefined || Number.isNaN(d.getTime()) ? "" : d.toISOString();
}
