import assert from "node:assert/strict";
import { createLogger, formatTextRecord } from "./log.js";

function capture(): { lines: string[]; output: { write(chunk: string): boolean } } {
  const lines: string[] = [];
  return { lines, output: { write: (chunk: string) => (lines.push(chunk), true) } };
}

describe("createLogger", () => {
  it("writes bunyan JSON records", () => {
    const { lines, output } = capture();
    createLogger({ level: "info", format: "json", output }).child({ kind: "Service" }).info({ name: "a" }, "hello");
    assert.equal(lines.length, 1);
    const record = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    assert.equal(record["msg"], "hello");
    assert.equal(record["kind"], "Service");
    assert.equal(record["name"], "a");
    assert.equal(record["level"], 30);
  });

  it("writes compact text lines and honours the level", () => {
    const { lines, output } = capture();
    const log = createLogger({ level: "info", format: "text", output });
    log.debug("hidden");
    log.warn({ kind: "Ingress", namespace: "ns", reason: "two words" }, "bad object");
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? "", /^\d{4}-\d\d-\d\dT[\d:.]+Z WARN  bad object kind=Ingress namespace=ns reason="two words"\n$/);
  });

  it("prints an error's message and indented stack in text", () => {
    const line = formatTextRecord({ time: new Date(0), level: 50, msg: "failed", err: { message: "boom", stack: "Error: boom\n    at x" } });
    assert.equal(line, '1970-01-01T00:00:00.000Z ERROR failed err=boom\n    Error: boom\n        at x\n');
  });
});
