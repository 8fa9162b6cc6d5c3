import { compareStrings } from "../source/object-cache.js";

/** What changed in a sorted view between two takeChanges() calls, by id, each list sorted. */
export interface ChangeSet {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

/**
 * A map from id to value that also keeps its values sorted by id, for a model list: a change costs a
 * binary search and a splice (and one copy of the array when the previous one was handed out, since
 * handed-out arrays are never mutated), not a sort of everything. It remembers which ids changed
 * since the last takeChanges(), comparing with the value they had then.
 */
export interface SortedView<T> {
  get(id: string): T | undefined;
  /** Sets the value of an id; undefined removes it. */
  set(id: string, value: T | undefined): void;
  /** The values sorted by id: the same array until a set changes something, and never changed after. */
  values(): readonly T[];
  /**
   * The ids added, changed (another value object) and removed since the last call; the first call
   * reports every id as added. Nothing is remembered for a view whose changes nobody takes.
   */
  takeChanges(): ChangeSet;
}

/** Pending changes at most this many (or an eighth of the view) are spliced in; more re-sort the lot. */
const SPLICE_LIMIT = 256;

/** Creates an empty view. */
export function createSortedView<T>(): SortedView<T> {
  const byId = new Map<string, T>();
  let ids: string[] = [];
  let vals: T[] = [];
  let handedOut = false;
  const pending = new Set<string>();
  // Per id changed since the last takeChanges(): its value then (undefined: absent then). Kept only
  // once someone takes changes: it holds old values alive until the next call.
  const before = new Map<string, T | undefined>();
  let tracking = false;

  function sync(): void {
    if (pending.size === 0) return;
    if (pending.size > SPLICE_LIMIT && pending.size > ids.length / 8) {
      ids = [...byId.keys()].sort(compareStrings);
      vals = ids.map((id) => byId.get(id) as T);
    } else {
      // Only the values are handed out; the ids are ours to change in place.
      if (handedOut) vals = vals.slice();
      for (const id of pending) {
        const at = lowerBound(ids, id);
        const present = ids[at] === id;
        const value = byId.get(id);
        if (value === undefined) {
          if (present) {
            ids.splice(at, 1);
            vals.splice(at, 1);
          }
        } else if (present) vals[at] = value;
        else {
          ids.splice(at, 0, id);
          vals.splice(at, 0, value);
        }
      }
    }
    handedOut = false;
    pending.clear();
  }

  return {
    get: (id) => byId.get(id),
    set(id, value) {
      const old = byId.get(id);
      if (old === value) return;
      if (tracking && !before.has(id)) before.set(id, old);
      if (value === undefined) byId.delete(id);
      else byId.set(id, value);
      pending.add(id);
    },
    values() {
      sync();
      handedOut = true;
      return vals;
    },
    takeChanges() {
      if (!tracking) {
        tracking = true;
        sync();
        return { added: ids.slice(), changed: [], removed: [] };
      }
      const added: string[] = [];
      const changed: string[] = [];
      const removed: string[] = [];
      for (const [id, old] of before) {
        const now = byId.get(id);
        if (old === now) continue;
        if (old === undefined) added.push(id);
        else if (now === undefined) removed.push(id);
        else changed.push(id);
      }
      before.clear();
      return { added: added.sort(compareStrings), changed: changed.sort(compareStrings), removed: removed.sort(compareStrings) };
    },
  };
}

/** The first index whose id is not below `id`. */
function lowerBound(ids: readonly string[], id: string): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareStrings(ids[mid] as string, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
