import assert from "node:assert/strict";
import { parseGoDuration, toMilliseconds } from "./go-duration.js";

describe("parseGoDuration", () => {
  // Expectations from Go's time.ParseDuration tests.
  const valid: [string, bigint][] = [
    ["0", 0n],
    ["5s", 5_000_000_000n],
    ["30s", 30_000_000_000n],
    ["1478s", 1_478_000_000_000n],
    ["-5s", -5_000_000_000n],
    ["+5s", 5_000_000_000n],
    ["-0", 0n],
    ["5.0s", 5_000_000_000n],
    ["5.6s", 5_600_000_000n],
    ["5.s", 5_000_000_000n],
    [".5s", 500_000_000n],
    ["1.004s", 1_004_000_000n],
    ["100.00100s", 100_001_000_000n],
    ["10ns", 10n],
    ["11us", 11_000n],
    ["12µs", 12_000n],
    ["12μs", 12_000n],
    ["13ms", 13_000_000n],
    ["14s", 14_000_000_000n],
    ["15m", 900_000_000_000n],
    ["16h", 57_600_000_000_000n],
    ["3h30m", 12_600_000_000_000n],
    ["10.5s4m", 250_500_000_000n],
    ["1h2m3s4ms5us6ns", 3_723_004_005_006n],
    ["0.3333333333333333333h", 1_200_000_000_000n],
    ["9223372036854775807ns", 9_223_372_036_854_775_807n],
    ["0.100000000000000000000h", 360_000_000_000n],
  ];
  for (const [text, ns] of valid) {
    it(`parses ${JSON.stringify(text)}`, () => assert.deepEqual(parseGoDuration(text), { ok: true, nanoseconds: ns }));
  }

  const invalid = ["", "3", "-", "s", ".", "-.", ".s", "+.s", "1d", "1 s", " 1s", "1s ", "1e3s", "x1s", "9223372036854775808ns", "9999999999999h", "1s".repeat(40), "１s"];
  for (const text of invalid) {
    it(`rejects ${JSON.stringify(text.slice(0, 20))}`, () => assert.equal(parseGoDuration(text).ok, false));
  }

  it("rounds up to whole milliseconds", () => {
    assert.equal(toMilliseconds(1n), 1);
    assert.equal(toMilliseconds(1_000_000n), 1);
    assert.equal(toMilliseconds(1_000_001n), 2);
    assert.equal(toMilliseconds(0n), 0);
  });
});
