import assert from "node:assert/strict";
import type { ExtensionServiceStatus } from "../../crds/index.js";
import { cacheOf, port, service } from "../source/testdata/fixtures.js";
import { reconcileExtensionService } from "./reconcile-extension-service.js";
import { buildExtensionServiceStatus, extensionStatusView } from "./extension-status.js";
import type { ExtensionService } from "../../crds/types/extensionservice.js";

const NOW = "2026-12-01T21:00:00Z";
const EARLIER = "2026-11-30T08:00:00Z";
const rl = service("ratelimit", [port(8081)], { namespace: "ns" });
const ext = (spec: unknown): ExtensionService => ({ apiVersion: "projectcontour.io/v1alpha1", kind: "ExtensionService", metadata: { name: "e", namespace: "ns", generation: 4 }, spec: spec as ExtensionService["spec"] });
const viewOf = (spec: unknown) => {
  const f = reconcileExtensionService(cacheOf(rl), ext(spec));
  return extensionStatusView(f.conditions, 4);
};

describe("ExtensionService status", () => {
  it("valid: Valid/True, upstream's message, observedGeneration", () => {
    const status = buildExtensionServiceStatus(viewOf({ services: [{ name: "ratelimit", port: 8081 }] }), undefined, NOW);
    assert.deepEqual(status, {
      conditions: [{ type: "Valid", status: "True", observedGeneration: 4, lastTransitionTime: NOW, reason: "Valid", message: "Valid ExtensionService" }],
    });
  });

  it("invalid: ErrorPresent with the errors filed under their area", () => {
    const view = viewOf({ services: [{ name: "missing", port: 80 }] });
    const status = buildExtensionServiceStatus(view, undefined, NOW);
    const valid = status.conditions?.[0];
    assert.equal(valid?.status, "False");
    assert.equal(valid?.reason, "ErrorPresent");
    assert.equal(valid?.message, "At least one error present, see Errors for details");
    assert.deepEqual(valid?.errors?.map((e) => [e.type, e.status, e.reason]), [["ServiceError", "True", "ServiceUnresolvedReference"]]);
    assert.equal(valid?.warnings, undefined);
  });

  it("warnings keep the object valid", () => {
    const valid = buildExtensionServiceStatus(viewOf({ services: [{ name: "ratelimit", port: 8081 }], timeoutPolicy: { idle: "5s" } }), undefined, NOW).conditions?.[0];
    assert.equal(valid?.status, "True");
    assert.deepEqual(valid?.warnings?.map((w) => [w.type, w.reason]), [["SpecError", "IgnoredField"]]);
  });

  it("keeps lastTransitionTime while the status holds, changes it when it flips, and leaves other conditions alone", () => {
    const other = { type: "example.com/Audited", status: "True" as const, lastTransitionTime: EARLIER, reason: "Seen", message: "" };
    const current: ExtensionServiceStatus = { conditions: [{ type: "Valid", status: "True", lastTransitionTime: EARLIER, reason: "Valid", message: "Valid ExtensionService" }, other] };
    const same = buildExtensionServiceStatus(viewOf({ services: [{ name: "ratelimit", port: 8081 }] }), current, NOW);
    assert.equal(same.conditions?.[0]?.lastTransitionTime, EARLIER);
    assert.deepEqual(same.conditions?.[1], other);
    const flipped = buildExtensionServiceStatus(viewOf({ services: [{ name: "missing", port: 80 }] }), current, NOW);
    assert.equal(flipped.conditions?.[0]?.lastTransitionTime, NOW);
  });

  it("equal inputs give equal views (the status writer skips no-op writes)", () => {
    assert.deepEqual(viewOf({ services: [{ name: "missing", port: 80 }] }), viewOf({ services: [{ name: "missing", port: 80 }] }));
  });

  it("caps the errors it writes", () => {
    const services = Array.from({ length: 300 }, (_, i) => ({ name: `s${i}`, port: 80 }));
    const view = viewOf({ services });
    assert.equal(view.errors.length, 100);
    assert.equal(view.errors[99]?.reason, "TooManyProblems");
  });
});
