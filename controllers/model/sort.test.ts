import assert from "node:assert/strict";
import { compareCodeUnits, sortInPlace } from "./sort.js";

describe("sortInPlace", () => {
  it("orders as Array.prototype.sort does, equal elements kept in their order, short and long arrays", () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let length = 0; length <= 40; length++) {
      const items = Array.from({ length }, (_, i) => ({ key: random(5), at: i }));
      const byKey = (a: { key: number }, b: { key: number }): number => a.key - b.key;
      assert.deepEqual(sortInPlace([...items], byKey), [...items].sort(byKey));
    }
  });

  it("sorts strings by UTF-16 code units with compareCodeUnits, as the default sort", () => {
    const keys = ["b", "a", "B", "é", "10", "9", "", "ab", "\u{1F600}", "\uFFFF"];
    assert.deepEqual(sortInPlace([...keys], compareCodeUnits), [...keys].sort());
  });
});
