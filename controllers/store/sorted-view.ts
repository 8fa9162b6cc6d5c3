import btree from "sorted-btree";
import { compareStrings } from "../source/object-cache.js";

const BTree = btree.default;
type Tree<T> = InstanceType<typeof btree.default<string, T>>;

/** What changed in a sorted view between two takeChanges() calls, by id, each list sorted. */
export interface ChangeSet {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
}

/**
 * A map from id to value that also gives its values sorted by id, for a model list. It is a
 * copy-on-write B+ tree: a change costs O(log n), and the values of a moment are kept by an O(1)
 * clone and listed only when someone reads them, so a model that nobody reads in full (the
 * translator follows changes instead) costs nothing per change. It remembers which ids changed
 * since the last takeChanges(), comparing with the value they had then.
 */
export interface SortedView<T> {
  get(id: string): T | undefined;
  /** Sets the value of an id; undefined removes it. */
  set(id: string, value: T | undefined): void;
  /** The values sorted by id: the same array until a set changes something, and never changed after. */
  values(): readonly T[];
  /**
   * The values of this moment, listed on the first call of the returned function (the same array
   * as values() returns until a set changes something).
   */
  lazyValues(): () => readonly T[];
  /** A number that changes whenever a set changes something. */
  revision(): number;
  /**
   * The ids added, changed (another value object) and removed since the last call; the first call
   * reports every id as added. Nothing is remembered for a view whose changes nobody takes.
   */
  takeChanges(): ChangeSet;
}

/** Creates an empty view. */
export function createSortedView<T>(): SortedView<T> {
  const tree: Tree<T> = new BTree<string, T>(undefined, compareStrings);
  let rev = 0;
  // The lazy list of the current revision, shared by every caller until the next change.
  let current: { readonly rev: number; readonly list: () => readonly T[] } | undefined;
  // Per id changed since the last takeChanges(): its value then (undefined: absent then). Kept only
  // once someone takes changes: it holds old values alive until the next call.
  const before = new Map<string, T | undefined>();
  let tracking = false;

  function lazyValues(): () => readonly T[] {
    if (current?.rev === rev) return current.list;
    const frozen = tree.clone();
    let list: readonly T[] | undefined;
    const read = (): readonly T[] => (list ??= frozen.valuesArray());
    current = { rev, list: read };
    return read;
  }

  return {
    get: (id) => tree.get(id),
    set(id, value) {
      const old = tree.get(id);
      if (old === value) return;
      if (tracking && !before.has(id)) before.set(id, old);
      if (value === undefined) tree.delete(id);
      else tree.set(id, value);
      rev++;
    },
    values: () => lazyValues()(),
    lazyValues,
    revision: () => rev,
    takeChanges() {
      if (!tracking) {
        tracking = true;
        return { added: tree.keysArray(), changed: [], removed: [] };
      }
      const added: string[] = [];
      const changed: string[] = [];
      const removed: string[] = [];
      for (const [id, old] of before) {
        const now = tree.get(id);
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
