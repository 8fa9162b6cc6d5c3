// Mocha glue: one test bed per describe block, started in before() and stopped in after(), with the
// logs kept under e2e-logs/ when any test or hook in the block failed.
import { createTestBed, type TestBed, type TestBedOptions } from "./test-bed.js";

/** Gives tests the bed of their describe block. */
export interface TestBedHandle {
  /** The running bed (throws if before() has not run or failed). */
  readonly bed: TestBed;
}

/** Options of useTestBed: those of createTestBed, with the name defaulting to the describe title. */
export type UseTestBedOptions = Omit<TestBedOptions, "name"> & { name?: string; startTimeoutMs?: number };

/**
 * Call inside describe(): registers before/after hooks that start and stop a bed. Example:
 * `const ctx = useTestBed({ backends: 2 }); it("...", async () => { ctx.bed.apiserver.url })`.
 */
export function useTestBed(options: UseTestBedOptions = {}): TestBedHandle {
  let bed: TestBed | undefined;

  before(async function () {
    // The API server alone takes several seconds; on a loaded CI machine much more.
    this.timeout(options.startTimeoutMs ?? 180_000);
    const suite = this.test?.parent;
    const name = options.name ?? (suite?.fullTitle() || "e2e");
    bed = await createTestBed({ ...options, name });
  });

  after(async function () {
    this.timeout(60_000);
    if (bed === undefined) return;
    const suite = this.test?.parent;
    await bed.stop({ failed: suite === undefined || suiteFailed(suite) });
  });

  return {
    get bed() {
      if (bed === undefined) throw new Error("the test bed is not running (did its before() hook fail?)");
      return bed;
    },
  };
}

type HookLists = Partial<Record<"_beforeAll" | "_beforeEach" | "_afterEach" | "_afterAll", Mocha.Hook[]>>;

// Tests and hooks of the suite and its children. Hooks count too: a failed beforeEach leaves the
// remaining tests without a state rather than failed. The hook lists are private in mocha's types.
function suiteFailed(suite: Mocha.Suite): boolean {
  if (suite.tests.some((t) => t.state === "failed")) return true;
  const hooks = suite as unknown as HookLists;
  for (const list of [hooks._beforeAll, hooks._beforeEach, hooks._afterEach, hooks._afterAll]) {
    if (list?.some((h) => h.state === "failed")) return true;
  }
  return suite.suites.some(suiteFailed);
}
