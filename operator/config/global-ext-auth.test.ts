import assert from "node:assert/strict";
import { loadServeConfig } from "./load-serve-config.js";

const load = (yaml: string) => loadServeConfig(["--insecure", "--config-path", "/c.yaml"], () => yaml);

describe("globalExtAuth (upstream's GlobalExternalAuthorization)", () => {
  it("becomes the global AuthorizationServer, without warnings", () => {
    const result = load(
      "globalExtAuth:\n  extensionService: projectcontour/testserver\n  failOpen: true\n  authPolicy:\n    disabled: false\n    context:\n      header1: value1\n  responseTimeout: 1s\n  withRequestBody:\n    maxRequestBytes: 2048\n    packAsBytes: true\n",
    );
    assert.ok("config" in result, JSON.stringify(result));
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.config.globalExtAuth, {
      extensionRef: { namespace: "projectcontour", name: "testserver" },
      responseTimeout: "1s",
      failOpen: true,
      authPolicy: { context: { header1: "value1" } },
      withRequestBody: { maxRequestBytes: 2048, packAsBytes: true },
    });
  });

  it("is absent without extensionService, and refused when it is not <namespace>/<name>", () => {
    const none = load("globalExtAuth:\n  failOpen: true\n");
    assert.ok("config" in none);
    assert.equal(none.config.globalExtAuth, undefined);
    const bad = load("globalExtAuth:\n  extensionService: testserver\n");
    assert.ok("errors" in bad);
    assert.match(bad.errors.join("\n"), /globalExtAuth\.extensionService in \/c\.yaml: must be <namespace>\/<name>/u);
  });
});
