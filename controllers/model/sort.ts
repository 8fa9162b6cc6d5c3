/**
 * Sorting for the many short arrays the reconcilers and the translator sort (a host's routes, an
 * object's keys): Array.prototype.sort allocates its working state on every call, which for two or
 * three elements costs several times the sort itself, and a cold build sorts millions of them.
 */

/** Arrays up to this length are insertion-sorted; longer ones go to Array.prototype.sort. */
const SHORT = 16;

/**
 * Sorts `items` in place and returns it, as `items.sort(compare)` does, and as stably: equal
 * elements keep their order, so the result is the same as Array.prototype.sort's.
 */
export function sortInPlace<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  if (items.length > SHORT) return items.sort(compare);
  for (let i = 1; i < items.length; i++) {
    const item = items[i] as T;
    let j = i - 1;
    for (; j >= 0 && compare(items[j] as T, item) > 0; j--) items[j + 1] = items[j] as T;
    items[j + 1] = item;
  }
  return items;
}

/** Strings in Array.prototype.sort's default order: by UTF-16 code units. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
