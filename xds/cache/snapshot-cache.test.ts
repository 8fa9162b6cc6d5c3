import { strict as assert } from "node:assert";
import { TypeUrl } from "../resources.js";
import { createSnapshotCache } from "./snapshot-cache.js";
import type { Snapshot } from "./snapshot.js";
import { InconsistentSnapshotError } from "./snapshot-error.js";
import { cluster, endpoints, resources } from "./testing/fixtures.js";

describe("createSnapshotCache", () => {
  it("serves nothing before the first publish", () => {
    const cache = createSnapshotCache();
    assert.equal(cache.current(), undefined);
    assert.equal(cache.versions(), undefined);
  });

  it("publishes, notifies subscribers and reports versions per type", () => {
    const cache = createSnapshotCache();
    const seen: Snapshot[] = [];
    const unsubscribe = cache.subscribe((s) => seen.push(s));
    const first = cache.publish(resources({ clusters: [cluster("a")], endpoints: [endpoints("a", [])] }));
    assert.equal(cache.current(), first);
    assert.equal(cache.versions()?.[TypeUrl.cluster], first.types[TypeUrl.cluster].version);
    assert.deepEqual(seen, [first]);
    unsubscribe();
    assert.equal(cache.subscriberCount(), 0);
    cache.publish(resources());
    assert.equal(seen.length, 1);
  });

  it("does not notify when the content is unchanged", () => {
    const cache = createSnapshotCache();
    let calls = 0;
    cache.subscribe(() => calls++);
    cache.publish(resources({ clusters: [cluster("a")], endpoints: [endpoints("a", [])] }));
    cache.publish(resources({ clusters: [cluster("a")], endpoints: [endpoints("a", [])] }));
    assert.equal(calls, 1);
  });

  it("keeps the previous snapshot when a publish is inconsistent", () => {
    const cache = createSnapshotCache();
    const good = cache.publish(resources({ clusters: [cluster("a")], endpoints: [endpoints("a", [])] }));
    assert.throws(() => cache.publish(resources({ clusters: [cluster("b")] })), InconsistentSnapshotError);
    assert.equal(cache.current(), good);
  });
});
