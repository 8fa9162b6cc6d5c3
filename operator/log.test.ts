import assert from "node:assert/strict";
import { createLogger, formatTextRecord } from "./log.js";

function capture(): { lines: string[]; output: { write(chunk: string): boolean } } {
  const lines: string[] = [];
  return { lines, output: { write: (chunk: string) => (lines.push(chunk), true) } };
}

describe("createLogger", () => {
  it("writes JSON records with the logger's name and the object's name under distinct keys", () => {
    const { lines, output } = capture();
    createLogger({ level: "info", format: "json", output }).child({ kind: "Service" }).info({ namespace: "ns", name: "a" }, "hello");
    assert.equal(lines.length, 1);
    const record = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    assert.equal(record["msg"], "hello");
    assert.equal(record["logger"], "contour");
    assert.equal(record["kind"], "Service");
    assert.equal(record["namespace"], "ns");
    assert.equal(record["name"], "a");
    assert.equal(record["level"], 30);
    assert.equal(record["v"], 0);
    assert.equal(typeof record["time"], "string");
    assert.match(lines[0] ?? "", /"namespace":"ns","name":"a"/);
  });

  it("has no name field in a JSON record that is about no object", () => {
    const { lines, output } = capture();
    createLogger({ level: "info", format: "json", output }).info({ port: 1 }, "listening");
    const record = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    assert.equal(record["logger"], "contour");
    assert.equal("name" in record, false);
  });

  it("keeps an object named like the logger", () => {
    const { lines, output } = capture();
    createLogger({ level: "info", format: "json", output }).info({ kind: "Service", namespace: "projectcontour", name: "contour" }, "found");
    const record = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    assert.equal(record["name"], "contour");
    assert.equal(record["logger"], "contour");
  });

  it("writes compact text lines with kind, namespace and name first, and honours the level", () => {
    const { lines, output } = capture();
    const log = createLogger({ level: "info", format: "text", output });
    log.debug("hidden");
    log.warn({ reason: "two words", name: "web", kind: "Ingress", namespace: "ns" }, "bad object");
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? "", /^\d{4}-\d\d-\d\dT[\d:.]+Z WARN  bad object kind=Ingress namespace=ns name=web reason="two words"\n$/);
  });

  it("prints no logger name in text", () => {
    const { lines, output } = capture();
    createLogger({ level: "info", format: "text", output }).child({ component: "xds" }).info("up");
    assert.match(lines[0] ?? "", / INFO  up component=xds\n$/);
  });

  it("prints an error's message and indented stack in text", () => {
    const line = formatTextRecord({ time: new Date(0), level: 50, msg: "failed", err: { message: "boom", stack: "Error: boom\n    at x" } });
    assert.equal(line, '1970-01-01T00:00:00.000Z ERROR failed err=boom\n    Error: boom\n        at x\n');
  });
});
