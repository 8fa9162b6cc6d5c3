import assert from "node:assert/strict";
import { createSortedView } from "./sorted-view.js";

const v = (id: string, n = 0) => ({ id, n });

describe("createSortedView", () => {
  it("keeps values sorted by id through splices, and never changes an array it handed out", () => {
    const view = createSortedView<{ id: string; n: number }>();
    for (const id of ["m", "c", "x", "a"]) view.set(id, v(id));
    const first = view.values();
    assert.deepEqual(first.map((x) => x.id), ["a", "c", "m", "x"]);
    assert.equal(view.values(), first, "the same array while nothing changes");
    view.set("d", v("d"));
    view.set("m", undefined);
    view.set("a", v("a", 1));
    const second = view.values();
    assert.deepEqual(second.map((x) => `${x.id}${x.n}`), ["a1", "c0", "d0", "x0"]);
    assert.deepEqual(first.map((x) => `${x.id}${x.n}`), ["a0", "c0", "m0", "x0"], "the first array is as it was");
  });

  it("re-sorts when many ids change at once, with the same result as splicing", () => {
    const bulk = createSortedView<{ id: string; n: number }>();
    const spliced = createSortedView<{ id: string; n: number }>();
    const ids = Array.from({ length: 2000 }, (_, i) => `id-${(i * 7919) % 2000}`);
    for (const id of ids) bulk.set(id, v(id));
    for (const id of ids) {
      spliced.set(id, v(id));
      spliced.values();
    }
    assert.deepEqual(bulk.values().map((x) => x.id), spliced.values().map((x) => x.id));
    assert.deepEqual(bulk.values().map((x) => x.id), [...ids].sort());
  });

  it("reports changes against the values at the last call", () => {
    const view = createSortedView<{ id: string; n: number }>();
    view.set("kept", v("kept"));
    view.set("gone", v("gone"));
    view.set("back", v("back"));
    view.takeChanges();
    const kept = view.get("kept");
    view.set("kept", v("kept", 1));
    view.set("kept", kept); // changed and changed back: no change
    view.set("gone", undefined);
    view.set("new", v("new"));
    view.set("flash", v("flash"));
    view.set("flash", undefined); // came and went: no change
    view.set("back", undefined);
    view.set("back", v("back", 2)); // removed and re-added as another object: changed
    assert.deepEqual(view.takeChanges(), { added: ["new"], changed: ["back"], removed: ["gone"] });
    assert.deepEqual(view.takeChanges(), { added: [], changed: [], removed: [] });
  });
});
