import assert from "node:assert/strict";
import type { AppliedValues } from "./envoy-options.js";
import { buildMetricsTls, isMetricsTlsKey } from "./metrics-tls.js";

const applied = (entries: Record<string, string>): AppliedValues =>
  new Map(Object.entries(entries).map(([key, value]) => [key, { value, source: `${key} in /config/contour.yaml` }])) as unknown as AppliedValues;
const files: Record<string, string> = { "/tls/tls.crt": "CERT", "/tls/tls.key": "KEY", "/tls/ca.crt": "CA" };
const read = (path: string): Buffer => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  return Buffer.from(text);
};

describe("config: metrics.contour TLS", () => {
  it("is off without files, and knows its keys", () => {
    assert.deepEqual(buildMetricsTls(applied({}), read), { errors: [] });
    assert.equal(isMetricsTlsKey("metrics.contour.ca-certificate-path"), true);
    assert.equal(isMetricsTlsKey("metrics.envoy.ca-certificate-path"), false);
  });

  it("reads the certificate, key and CA", () => {
    const r = buildMetricsTls(applied({ "metrics.contour.server-certificate-path": "/tls/tls.crt", "metrics.contour.server-key-path": "/tls/tls.key", "metrics.contour.ca-certificate-path": "/tls/ca.crt" }), read);
    assert.deepEqual(r.errors, []);
    assert.equal(r.value?.cert.toString(), "CERT");
    assert.equal(r.value?.key.toString(), "KEY");
    assert.equal(r.value?.ca?.toString(), "CA");
  });

  it("says which key is missing or which file cannot be read", () => {
    assert.match(buildMetricsTls(applied({ "metrics.contour.server-certificate-path": "/tls/tls.crt" }), read).errors[0] ?? "", /server-certificate-path in \/config\/contour.yaml: .*go together/);
    assert.match(buildMetricsTls(applied({ "metrics.contour.ca-certificate-path": "/tls/ca.crt" }), read).errors[0] ?? "", /needs metrics.contour.server-certificate-path/);
    const missing = buildMetricsTls(applied({ "metrics.contour.server-certificate-path": "/tls/tls.crt", "metrics.contour.server-key-path": "/nope.key" }), read);
    assert.equal(missing.value, undefined);
    assert.match(missing.errors[0] ?? "", /server-key-path in \/config\/contour.yaml: cannot read \/nope.key: ENOENT/);
  });
});
