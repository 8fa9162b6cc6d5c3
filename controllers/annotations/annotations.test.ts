import assert from "node:assert/strict";
import { parseResponseTimeout } from "./response-timeout.js";
import { parseRetryPolicy } from "./retry-policy.js";
import { parseWebsocketRoutes } from "./websocket-routes.js";
import { parseTlsVersions } from "./tls-protocol-version.js";
import { annotationIngressClass } from "./ingress-class.js";
import { httpAllowed, tlsRequired } from "./http-listener.js";
import { parseTimeoutSetting } from "./timeout-setting.js";

const reasons = (w: readonly { reason: string }[]): string[] => w.map((c) => c.reason);

describe("parseTimeoutSetting", () => {
  const table: [string, number | null | "error"][] = [
    ["", null],
    ["0s", null],
    ["infinity", 0],
    ["infinite", 0],
    ["1s", 1000],
    ["1.5s", 1500],
    ["90m", 5_400_000],
    ["1us", 1],
    ["-1s", "error"],
    ["abc", "error"],
    ["10", "error"],
  ];
  for (const [text, want] of table) {
    it(`${JSON.stringify(text)} → ${want}`, () => {
      const got = parseTimeoutSetting(text);
      if (want === "error") assert.equal(got.ok, false);
      else assert.deepEqual(got, { ok: true, ms: want });
    });
  }
});

describe("parseResponseTimeout", () => {
  it("reads projectcontour.io/response-timeout", () => {
    assert.deepEqual(parseResponseTimeout({ "projectcontour.io/response-timeout": "30s" }), { value: { responseMs: 30000, idleMs: null }, warnings: [] });
  });
  it("disables the timeout with infinity", () => {
    assert.deepEqual(parseResponseTimeout({ "projectcontour.io/response-timeout": "infinity" }).value, { responseMs: 0, idleMs: null });
  });
  it("falls back to the older request-timeout name", () => {
    assert.deepEqual(parseResponseTimeout({ "projectcontour.io/request-timeout": "2s" }).value, { responseMs: 2000, idleMs: null });
  });
  it("leaves the default when absent", () => {
    assert.deepEqual(parseResponseTimeout(undefined), { value: undefined, warnings: [] });
  });
  it("warns about and ignores a bad value, naming the annotation", () => {
    const got = parseResponseTimeout({ "projectcontour.io/response-timeout": "soon" });
    assert.equal(got.value, undefined);
    assert.deepEqual(reasons(got.warnings), ["InvalidResponseTimeout"]);
    assert.match(got.warnings[0]?.message ?? "", /projectcontour\.io\/response-timeout/u);
  });
  it("refuses a huge value without parsing it", () => {
    const got = parseResponseTimeout({ "projectcontour.io/response-timeout": "1".repeat(100_000) + "s" });
    assert.equal(got.value, undefined);
    assert.deepEqual(reasons(got.warnings), ["AnnotationValueTooLong"]);
    assert.ok((got.warnings[0]?.message.length ?? 0) < 600);
  });
});

describe("parseRetryPolicy", () => {
  const table: { name: string; annotations: Record<string, string>; want: unknown; warnings: string[] }[] = [
    { name: "nothing without retry-on", annotations: {}, want: undefined, warnings: [] },
    {
      name: "retry-on alone: one retry, default per-try timeout",
      annotations: { "projectcontour.io/retry-on": "5xx" },
      want: { retryOn: "5xx", numRetries: 1, perTryTimeoutMs: 0, retriableStatusCodes: [] },
      warnings: [],
    },
    {
      name: "all three",
      annotations: { "projectcontour.io/retry-on": "gateway-error, reset,gateway-error", "projectcontour.io/num-retries": "7", "projectcontour.io/per-try-timeout": "150ms" },
      want: { retryOn: "gateway-error,reset", numRetries: 7, perTryTimeoutMs: 150, retriableStatusCodes: [] },
      warnings: [],
    },
    { name: "num-retries -1 means none", annotations: { "projectcontour.io/retry-on": "5xx", "projectcontour.io/num-retries": "-1" }, want: { retryOn: "5xx", numRetries: 0, perTryTimeoutMs: 0, retriableStatusCodes: [] }, warnings: [] },
    { name: "num-retries 0 means Envoy's 1", annotations: { "projectcontour.io/retry-on": "5xx", "projectcontour.io/num-retries": "0" }, want: { retryOn: "5xx", numRetries: 1, perTryTimeoutMs: 0, retriableStatusCodes: [] }, warnings: [] },
    {
      name: "bad values are ignored with warnings",
      annotations: { "projectcontour.io/retry-on": "5xx,bogus", "projectcontour.io/num-retries": "many", "projectcontour.io/per-try-timeout": "1 s" },
      want: { retryOn: "5xx", numRetries: 1, perTryTimeoutMs: 0, retriableStatusCodes: [] },
      warnings: ["InvalidRetryOn", "InvalidPerTryTimeout", "InvalidNumRetries"],
    },
    { name: "num-retries beyond int32", annotations: { "projectcontour.io/retry-on": "5xx", "projectcontour.io/num-retries": "99999999999" }, want: { retryOn: "5xx", numRetries: 1, perTryTimeoutMs: 0, retriableStatusCodes: [] }, warnings: ["InvalidNumRetries"] },
    { name: "only unknown retry-on values", annotations: { "projectcontour.io/retry-on": "sometimes" }, want: undefined, warnings: ["InvalidRetryOn"] },
    { name: "num-retries without retry-on", annotations: { "projectcontour.io/num-retries": "3" }, want: undefined, warnings: ["RetryOnMissing"] },
  ];
  for (const t of table) {
    it(t.name, () => {
      const got = parseRetryPolicy(t.annotations);
      assert.deepEqual(got.value, t.want);
      assert.deepEqual(reasons(got.warnings), t.warnings);
    });
  }
});

describe("parseWebsocketRoutes", () => {
  it("reads a comma-separated list of paths", () => {
    const got = parseWebsocketRoutes({ "projectcontour.io/websocket-routes": " /ws , /chat,," });
    assert.deepEqual([...got.value], ["/ws", "/chat"]);
    assert.deepEqual(got.warnings, []);
  });
  it("warns about entries that are not paths", () => {
    const got = parseWebsocketRoutes({ "projectcontour.io/websocket-routes": "/ws,ws" });
    assert.deepEqual([...got.value], ["/ws"]);
    assert.deepEqual(reasons(got.warnings), ["InvalidWebsocketRoute"]);
  });
});

describe("parseTlsVersions", () => {
  it("defaults to 1.2 to 1.3", () => assert.deepEqual(parseTlsVersions({}), { value: { minimum: "1.2", maximum: "1.3" }, warnings: [] }));
  it("reads the minimum", () => assert.deepEqual(parseTlsVersions({ "projectcontour.io/tls-minimum-protocol-version": "1.3" }).value, { minimum: "1.3", maximum: "1.3" }));
  it("ignores unknown versions with a warning", () => {
    const got = parseTlsVersions({ "projectcontour.io/tls-minimum-protocol-version": "1.1" });
    assert.deepEqual(got.value, { minimum: "1.2", maximum: "1.3" });
    assert.deepEqual(reasons(got.warnings), ["InvalidTLSProtocolVersion"]);
  });
  it("refuses an empty range", () => {
    const got = parseTlsVersions({ "projectcontour.io/tls-minimum-protocol-version": "1.3", "projectcontour.io/tls-maximum-protocol-version": "1.2" });
    assert.deepEqual(got.value, { minimum: "1.2", maximum: "1.3" });
    assert.deepEqual(reasons(got.warnings), ["InvalidTLSProtocolVersion"]);
  });
});

describe("class and listener annotations", () => {
  it("prefers projectcontour.io/ingress.class over kubernetes.io/ingress.class", () => {
    assert.equal(annotationIngressClass({ "kubernetes.io/ingress.class": "a", "projectcontour.io/ingress.class": "b" }), "b");
    assert.equal(annotationIngressClass({ "kubernetes.io/ingress.class": "a" }), "a");
    assert.equal(annotationIngressClass(undefined), "");
  });
  it("reads allow-http and force-ssl-redirect exactly as upstream", () => {
    assert.equal(httpAllowed({ "kubernetes.io/ingress.allow-http": "false" }), false);
    assert.equal(httpAllowed({ "kubernetes.io/ingress.allow-http": "False" }), true);
    assert.equal(httpAllowed(undefined), true);
    assert.equal(tlsRequired({ "ingress.kubernetes.io/force-ssl-redirect": "true" }), true);
    assert.equal(tlsRequired({ "ingress.kubernetes.io/force-ssl-redirect": "yes" }), false);
  });
});
