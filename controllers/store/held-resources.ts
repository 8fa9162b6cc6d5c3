import { canonicalJson } from "../model/names.js";
import { createSortedView, type SortedView } from "./sorted-view.js";

/**
 * Clusters or secrets of the model: named after their content and held by any number of sources. A
 * name is in the model while a served source holds it (and, for secrets, while something served
 * refers to it). Only the names marked dirty are decided again, so a change costs what it touches.
 */
export interface HeldResources<T> {
  /** A source holds `value` under `name`. */
  hold(name: string, src: string, value: T): void;
  /** A source no longer holds `name`. */
  release(name: string, src: string): void;
  /** Whether the source was served or not may have changed: decide `name` again. */
  touch(name: string): void;
  /**
   * Decides the dirty names: the first served holder's value (by source key), unless `wanted` says no;
   * `replaced` hears of every change to the model's value of a name.
   */
  settle(served: (src: string) => boolean, wanted?: (name: string) => boolean, replaced?: (old: T | undefined, now: T | undefined) => void): void;
  /** The values in the model, sorted by name. */
  readonly view: SortedView<T>;
}

/** Creates an empty set. */
export function createHeldResources<T>(): HeldResources<T> {
  const holders = new Map<string, Map<string, T>>();
  const dirty = new Set<string>();
  const view = createSortedView<T>();
  // The holder whose value is served, per name, and who joined since: a Service shared by thousands of
  // sources must not be scanned whenever one of them changes. Scanned again only when the holder
  // leaves or whether sources are served may have changed.
  const chosen = new Map<string, string>();
  const joined = new Map<string, Set<string>>();
  const rescan = new Set<string>();

  function firstServed(name: string, served: (src: string) => boolean): string | undefined {
    const held = holders.get(name);
    if (held === undefined) return undefined;
    let first = rescan.has(name) ? undefined : chosen.get(name);
    if (first !== undefined && held.has(first) && served(first)) {
      for (const src of joined.get(name) ?? []) if (src < first && held.has(src) && served(src)) first = src;
      return first;
    }
    first = undefined;
    for (const src of held.keys()) if (served(src) && (first === undefined || src < first)) first = src;
    return first;
  }

  return {
    hold(name, src, value) {
      let m = holders.get(name);
      if (m === undefined) {
        m = new Map();
        holders.set(name, m);
      }
      m.set(src, value);
      // Only a name with a chosen holder is decided from who joined; the others are scanned anyway.
      if (chosen.has(name)) {
        let j = joined.get(name);
        if (j === undefined) {
          j = new Set();
          joined.set(name, j);
        }
        j.add(src);
      }
      dirty.add(name);
    },
    release(name, src) {
      const m = holders.get(name);
      if (m === undefined) return;
      m.delete(src);
      if (m.size === 0) holders.delete(name);
      dirty.add(name);
    },
    touch(name) {
      rescan.add(name);
      dirty.add(name);
    },
    settle(served, wanted, replaced) {
      for (const name of dirty) {
        const first = firstServed(name, served);
        if (first === undefined) chosen.delete(name);
        else chosen.set(name, first);
        let value = first === undefined ? undefined : holders.get(name)?.get(first);
        if (value !== undefined && wanted !== undefined && !wanted(name)) value = undefined;
        const current = view.get(name);
        if (value === current) continue;
        // Another copy of the same content is no change: nothing downstream needs redoing.
        if (value !== undefined && current !== undefined && canonicalJson(value) === canonicalJson(current)) continue;
        replaced?.(current, value);
        view.set(name, value);
      }
      dirty.clear();
      joined.clear();
      rescan.clear();
    },
    view,
  };
}
