import assert from "node:assert/strict";
import { createHeldResources } from "./held-resources.js";

describe("createHeldResources", () => {
  it("serves the first served holder's copy by source key, whoever comes and goes", () => {
    const held = createHeldResources<{ name: string; from: string }>();
    const refused = new Set<string>();
    const served = (src: string) => !refused.has(src);
    const value = () => held.view.get("c")?.from;
    held.hold("c", "m", { name: "c", from: "m" });
    held.settle(served);
    assert.equal(value(), "m");
    held.hold("c", "b", { name: "c", from: "b" });
    held.settle(served);
    // Different content under one name would be a bug elsewhere; the choice stays by key even then.
    assert.equal(value(), "b", "a holder earlier by key takes over");
    held.hold("c", "x", { name: "c", from: "x" });
    held.settle(served);
    assert.equal(value(), "b", "a later one does not");
    held.release("c", "b");
    held.settle(served);
    assert.equal(value(), "m", "the chosen holder leaves: the next by key");
    refused.add("m");
    held.touch("c");
    held.settle(served);
    assert.equal(value(), "x", "a holder no longer served is passed over once touched");
    held.release("c", "x");
    held.settle(served);
    assert.equal(held.view.get("c"), undefined, "no served holder left");
    assert.deepEqual(held.view.values(), []);
  });

  it("keeps the copy it serves when another source's copy has the same content, and hears of real changes", () => {
    const held = createHeldResources<{ name: string; port: number }>();
    const replaced: string[] = [];
    const hear = (old: { port: number } | undefined, now: { port: number } | undefined) => void replaced.push(`${old?.port ?? "-"}→${now?.port ?? "-"}`);
    const first = { name: "c", port: 80 };
    held.hold("c", "b", first);
    held.settle(() => true, undefined, hear);
    held.hold("c", "a", { name: "c", port: 80 });
    held.settle(() => true, undefined, hear);
    assert.equal(held.view.get("c"), first, "equal content: the served object stays");
    held.hold("c", "a", { name: "c", port: 81 });
    held.settle(() => true, undefined, hear);
    assert.equal(held.view.get("c")?.port, 81);
    held.settle(() => true, () => false, hear);
    assert.equal(held.view.get("c")?.port, 81, "nothing dirty: nothing decided");
    held.touch("c");
    held.settle(() => true, () => false, hear);
    assert.equal(held.view.get("c"), undefined, "not wanted: not served");
    assert.deepEqual(replaced, ["-→80", "80→81", "81→-"]);
  });
});
