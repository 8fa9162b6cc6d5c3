// A persistent map by resource name, in name order: a changed copy costs the changed entries
// (copy-on-write B+ tree nodes), and every older copy stays valid for the streams still holding it.
import btree from "sorted-btree";

const BTree = btree.default;
type Tree<V> = InstanceType<typeof btree.default<string, V>>;

// Plain code-unit order, as every sorted list of the translator uses.
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** An immutable map from name to value whose iteration is in name order. */
export interface NameMap<V> extends ReadonlyMap<string, V> {
  /** A copy with `set` entries put and `remove` names deleted (removals first); this map is left as it is. */
  update(set: Iterable<readonly [string, V]>, remove?: Iterable<string>): NameMap<V>;
}

class TreeNameMap<V> implements NameMap<V> {
  readonly #tree: Tree<V>;

  constructor(tree: Tree<V>) {
    tree.freeze();
    this.#tree = tree;
  }

  get size(): number {
    return this.#tree.size;
  }

  get(name: string): V | undefined {
    return this.#tree.get(name);
  }

  has(name: string): boolean {
    return this.#tree.has(name);
  }

  update(set: Iterable<readonly [string, V]>, remove: Iterable<string> = []): NameMap<V> {
    const next = this.#tree.clone();
    next.unfreeze();
    for (const name of remove) next.delete(name);
    for (const [name, value] of set) next.set(name, value);
    return new TreeNameMap(next);
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    this.#tree.forEachPair((k, v) => {
      callback(v, k, this);
    });
  }

  entries(): MapIterator<[string, V]> {
    return this.#tree.entries() as unknown as MapIterator<[string, V]>;
  }

  keys(): MapIterator<string> {
    return this.#tree.keys() as unknown as MapIterator<string>;
  }

  values(): MapIterator<V> {
    return this.#tree.values() as unknown as MapIterator<V>;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return "NameMap";
  }
}

/** A name map holding `entries` (a later entry of a name replaces an earlier one). */
export function nameMap<V>(entries: Iterable<readonly [string, V]> = []): NameMap<V> {
  const tree = new BTree<string, V>(undefined, byName);
  for (const [name, value] of entries) tree.set(name, value);
  return new TreeNameMap(tree);
}
