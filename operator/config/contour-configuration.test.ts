import assert from "node:assert/strict";
import { EVERY_FIELD_CONTOUR_CONFIGURATION_SPEC } from "../../crds/testdata/contourconfiguration-samples.js";
import type { ContourConfigurationSpec } from "../../crds/index.js";
import { contourConfigurationDocument } from "./contour-configuration.js";
import { loadServeConfig, type LoadServeConfigResult } from "./load-serve-config.js";
import { configFileKeys, readConfigDocument } from "./parse-config-file.js";

const noFiles = (path: string): string => {
  throw new Error(`ENOENT: no such file ${path}`);
};
const cluster = (spec: ContourConfigurationSpec) => ({ namespace: "projectcontour", name: "contour", spec });

function ok(result: LoadServeConfigResult) {
  if (!("config" in result)) assert.fail(`expected a config, got ${JSON.stringify(result)}`);
  return result;
}

describe("ContourConfiguration: its spec as the config file's settings", () => {
  it("maps every field of the spec to a key the config file knows (nothing unknown, nothing dropped)", () => {
    const { doc } = contourConfigurationDocument(EVERY_FIELD_CONTOUR_CONFIGURATION_SPEC);
    const parsed = readConfigDocument(doc, "crd");
    assert.deepEqual(parsed.errors.filter((e) => e.includes("unknown setting")), []);
    for (const key of Object.keys(doc)) assert.ok(configFileKeys().includes(key), key);
  });

  it("names the CRD field in messages, sub-keys included", () => {
    const d = contourConfigurationDocument({ envoy: { timeouts: { connectTimeout: "3s" }, cluster: { circuitBreakers: { maxConnections: 3 } } } });
    assert.equal(d.fieldOf("timeouts.connect-timeout"), "spec.envoy.timeouts.connectTimeout");
    assert.equal(d.fieldOf("cluster.circuit-breakers.max-connections"), "spec.envoy.cluster.circuitBreakers.maxConnections");
  });

  it("is one settings model: the CRD's values come out as the file's would", () => {
    const fromCrd = ok(
      loadServeConfig(["--insecure"], noFiles, {}, cluster({
        xdsServer: { port: 9001 },
        envoy: { http: { port: 9080 }, timeouts: { requestTimeout: "7s" }, listener: { compression: { algorithm: "brotli" } } },
        policy: { responseHeaders: { set: { "x-from": "crd" } } },
        httpproxy: { rootNamespaces: ["a"] },
      })),
    ).config;
    const file = "timeouts:\n  request-timeout: 7s\ncompression:\n  algorithm: brotli\npolicy:\n  response-headers:\n    set:\n      x-from: crd\n";
    const fromFile = ok(loadServeConfig(["--insecure", "--config-path=/c.yaml", "--xds-port=9001", "--envoy-http-port=9080", "--root-namespaces=a"], () => file)).config;
    assert.deepEqual({ ...fromCrd, contourConfigName: undefined }, fromFile);
  });

  it("wins over flags (a warning names each overridden flag), and flags it leaves unset still apply", () => {
    const result = ok(loadServeConfig(["--insecure", "--xds-port=8100", "--envoy-https-port=9443"], noFiles, {}, cluster({ xdsServer: { port: 8200 } })));
    assert.equal(result.config.xds.port, 8200);
    assert.equal(result.config.envoyListeners.https.port, 9443);
    assert.ok(result.warnings.some((w) => w.includes("--xds-port") && w.includes("spec.xdsServer.port of ContourConfiguration projectcontour/contour")), JSON.stringify(result.warnings));
  });

  it("replaces the xDS TLS flags as a whole when it sets xdsServer.tls", () => {
    const result = ok(loadServeConfig(["--insecure"], noFiles, {}, cluster({ xdsServer: { tls: { caFile: "/c/ca", certFile: "/c/crt", keyFile: "/c/key" } } })));
    assert.deepEqual(result.config.xds.tls, { caFile: "/c/ca", certFile: "/c/crt", keyFile: "/c/key" });
    assert.equal(result.config.xds.insecure, false);
  });

  it("reports invalid values naming the CRD field", () => {
    const result = loadServeConfig(["--insecure"], noFiles, {}, cluster({ envoy: { timeouts: { requestTimeout: "soon" }, logging: { accessLogLevel: "loud" } } }));
    assert.ok("errors" in result);
    assert.ok(result.errors.some((e) => e.startsWith("spec.envoy.timeouts.requestTimeout of ContourConfiguration projectcontour/contour")), JSON.stringify(result.errors));
    assert.ok(result.errors.some((e) => e.startsWith("spec.envoy.logging.accessLogLevel of ContourConfiguration")), JSON.stringify(result.errors));
  });

  it("cannot be combined with --config-path, as upstream", () => {
    const result = loadServeConfig(["--insecure", "--contour-config-name=contour", "-c", "/c.yaml"], () => "");
    assert.ok("errors" in result && result.errors.some((e) => e.includes("--contour-config-name") && e.includes("cannot be combined")), JSON.stringify(result));
  });
});
