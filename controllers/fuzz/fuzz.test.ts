/**
 * The fuzzer, bounded for `make test`: batches of generated HTTPProxies and Ingresses that pass
 * admission, each batch run through the pipeline and checked by Envoy (fuzz-check.ts). FUZZ_RUNS
 * (default 6) batches of up to 30 objects; FUZZ_SEED replays a seed. A failure prints the seed and
 * the shrunk batch as JSON: save it under testdata/regressions/ and it is replayed by every run.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import type { KubernetesObject } from "@kubernetes/client-node";
import { repoRoot } from "../../xds/translate/test-support.js";
import { admitted } from "./admission.js";
import { checkBatch } from "./fuzz-check.js";
import { fuzzCaSecret, fuzzServices, fuzzTlsSecret, objectPartsArb, SECRET_NAMES, toObjects } from "./generators.js";
import { makeTestCert, type TestKeyType } from "./test-certs.js";

const NAMESPACE = "fuzz";

/** Services and Secrets every batch may reference: the certificates are made once per run. */
function fixtures(): KubernetesObject[] {
  const keys: Record<(typeof SECRET_NAMES)[number], TestKeyType | undefined> = {
    "cert-rsa2048": "rsa-2048",
    "cert-p256": "p256",
    "cert-rsa1024": "rsa-1024",
    "cert-secp256k1": "secp256k1",
    "missing-cert": undefined,
  };
  const secrets = Object.entries(keys).flatMap(([name, type]) => {
    if (type === undefined) return [];
    // One certificate for every host of the batch: *.fuzz.test.
    const cert = makeTestCert(type, "*.fuzz.test");
    return [fuzzTlsSecret(name, NAMESPACE, cert.cert, cert.key)];
  });
  const ca = makeTestCert("rsa-2048", "ca.fuzz.test");
  return [...fuzzServices(NAMESPACE), ...secrets, fuzzCaSecret("ca-bundle", NAMESPACE, ca.cert)];
}

const regressionDir = join(repoRoot(), "controllers", "fuzz", "testdata", "regressions");

describe("fuzz: generated HTTPProxies and Ingresses never break the configuration", function () {
  this.timeout(300_000);
  let shared: KubernetesObject[];
  before(() => {
    shared = fixtures();
  });

  for (const file of readdirSync(regressionDir).filter((f) => f.endsWith(".json")).sort()) {
    it(`regression ${file}`, async () => {
      const objects = JSON.parse(readFileSync(join(regressionDir, file), "utf8")) as KubernetesObject[];
      const verdict = await checkBatch(shared, objects);
      assert.deepEqual(verdict.problems, []);
    });
  }

  it("passes every generated batch (bounded: FUZZ_RUNS batches)", async () => {
    const numRuns = Number(process.env["FUZZ_RUNS"] ?? "6");
    const seed = process.env["FUZZ_SEED"] !== undefined ? Number(process.env["FUZZ_SEED"]) : undefined;
    let generated = 0;
    let objects = 0;
    let valid = 0;
    const started = Date.now();
    const property = fc.asyncProperty(fc.array(objectPartsArb, { minLength: 10, maxLength: 30 }), async (parts) => {
      const all = toObjects(parts, NAMESPACE, "f");
      const batch = all.filter(admitted);
      generated += all.length;
      const verdict = await checkBatch(shared, batch);
      objects += batch.length;
      valid += verdict.valid;
      if (verdict.problems.length > 0) throw new Error(verdict.problems.join("\n"));
    });
    // Shrinking runs Envoy once per step; bounded so a failure is reported within minutes.
    const result = await fc.check(property, { numRuns, ...(seed !== undefined ? { seed } : {}), interruptAfterTimeLimit: 240_000 });
    console.log(`      fuzz: ${result.numRuns} batches, ${objects} objects admitted of ${generated} (${valid} valid) in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${result.seed}`);
    if (result.failed && result.counterexample !== null) {
      // Printed so it can be kept as a regression case: save it as testdata/regressions/<what-it-is>.json.
      const batch = toObjects(result.counterexample[0], NAMESPACE, "f").filter(admitted);
      console.log(`fuzz counterexample (${batch.length} objects), shrunk ${result.numShrinks} times:\n${JSON.stringify(batch, null, 1)}`);
    }
    if (result.failed) assert.fail(`fuzz failed with seed ${result.seed} (FUZZ_SEED=${result.seed} replays it): ${fc.defaultReportMessage(result) ?? ""}`);
  });
});
