import assert from "node:assert/strict";
import { loadServeConfig } from "./load-serve-config.js";

const certs = ["--contour-cafile=/ca", "--contour-cert-file=/crt", "--contour-key-file=/key"];
const load = (file: string) => loadServeConfig([...certs, "-c", "/c"], (path) => (path === "/c" ? file : ""), {});

describe("config file: tls.fallback-certificate", () => {
  it("gives the reconcilers the Secret's namespace and name", () => {
    const result = load(["tls:", "  fallback-certificate:", "    name: fallback", "    namespace: admin"].join("\n"));
    assert.ok("config" in result, JSON.stringify(result));
    assert.deepEqual(result.config.reconcile.fallbackCertificate, { namespace: "admin", name: "fallback" });
    assert.deepEqual(result.warnings, []);
  });

  it("has none when the key is absent", () => {
    const result = load("disablePermitInsecure: false");
    assert.ok("config" in result, JSON.stringify(result));
    assert.equal(result.config.reconcile.fallbackCertificate, undefined);
  });

  it("reads the ContourConfiguration's httpproxy.fallbackCertificate the same way", () => {
    const result = loadServeConfig(["--insecure"], () => "", {}, { namespace: "projectcontour", name: "contour", spec: { httpproxy: { fallbackCertificate: { name: "fb", namespace: "admin" } } } as never });
    assert.ok("config" in result, JSON.stringify(result));
    assert.deepEqual(result.config.reconcile.fallbackCertificate, { namespace: "admin", name: "fb" });
  });

  it("refuses a name without a namespace, as upstream", () => {
    const result = load(["tls:", "  fallback-certificate:", "    name: fallback"].join("\n"));
    assert.ok("errors" in result);
    assert.match(result.errors.join("\n"), /tls\.fallback-certificate needs both name and namespace/u);
  });
});
