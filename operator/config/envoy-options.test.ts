import assert from "node:assert/strict";
import { loadServeConfig, type LoadServeConfigResult } from "./load-serve-config.js";
import { parseUpstreamTimeout } from "./envoy-options.js";

const file = (text: string) => (path: string) => {
  if (path !== "/c.yaml") throw new Error(`ENOENT: ${path}`);
  return text;
};

function load(text: string, flags: string[] = []): LoadServeConfigResult {
  return loadServeConfig(["--insecure", "-c", "/c.yaml", ...flags], file(text));
}

function ok(result: LoadServeConfigResult) {
  if (!("config" in result)) assert.fail(`expected a config, got ${JSON.stringify(result)}`);
  return result;
}

describe("upstream config-file keys that take effect in Envoy", () => {
  it("leaves every option at the translator's default when the file sets none", () => {
    const { config, warnings } = ok(load("{}\n"));
    assert.deepEqual(config.envoy, { accessLog: "envoy", useProxyProtocol: false });
    assert.deepEqual(warnings, []);
  });

  it("sets the DNS lookup family of self-resolved clusters from cluster.dns-lookup-family", () => {
    const { config, warnings } = ok(load("cluster:\n  dns-lookup-family: v6\n"));
    assert.equal(config.envoy.clusterDnsLookupFamily, "v6");
    assert.deepEqual(warnings, []);
  });

  it("lets HTTPProxy routes reach ExternalName Services only with enableExternalNameService", () => {
    assert.equal(ok(load("{}\n")).config.reconcile?.enableExternalNameService, false);
    const { config, warnings } = ok(load("enableExternalNameService: true\n"));
    assert.equal(config.reconcile?.enableExternalNameService, true);
    assert.deepEqual(warnings, []);
  });

  it("maps each key to its option, without a not-implemented warning", () => {
    const { config, warnings } = ok(
      load(
        [
          "disableMergeSlashes: true",
          "disableAllowChunkedLength: true",
          "serverHeaderTransformation: pass_through",
          "compression:",
          "  algorithm: brotli",
          "timeouts:",
          "  request-timeout: 30s",
          "  connection-idle-timeout: infinity",
          "  stream-idle-timeout: 5m",
          "  max-connection-duration: 1h",
          "  delayed-close-timeout: 0s",
          "  connection-shutdown-grace-period: 10s",
          "network:",
          "  num-trusted-hops: 2",
          "  strip-trailing-host-dot: true",
          "listener:",
          "  connection-balancer: exact",
          "  max-requests-per-connection: 100",
          "  per-connection-buffer-limit-bytes: 32768",
          "  http2-max-concurrent-streams: 50",
          "  socket-options:",
          "    tos: 64",
          "    traffic-class: 32",
          "cluster:",
          "  max-requests-per-connection: 10",
          "  per-connection-buffer-limit-bytes: 65536",
          "tls:",
          "  minimum-protocol-version: \"1.3\"",
          "  cipher-suites: [ECDHE-RSA-AES256-GCM-SHA384, \"[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]\"]",
          "accesslog-format: json",
          "",
        ].join("\n"),
        ["--use-proxy-protocol"],
      ),
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.envoy, {
      accessLog: "json",
      useProxyProtocol: true,
      mergeSlashes: false,
      allowChunkedLength: false,
      serverHeaderTransformation: "pass_through",
      compression: "brotli",
      requestTimeoutMs: 30_000,
      connectionIdleTimeoutMs: 0,
      streamIdleTimeoutMs: 300_000,
      maxConnectionDurationMs: 3_600_000,
      delayedCloseTimeoutMs: 0,
      connectionShutdownGracePeriodMs: 10_000,
      numTrustedHops: 2,
      stripTrailingHostDot: true,
      exactConnectionBalance: true,
      maxRequestsPerConnection: 100,
      perConnectionBufferLimitBytes: 32768,
      http2MaxConcurrentStreams: 50,
      socketTos: 64,
      socketTrafficClass: 32,
      clusterMaxRequestsPerConnection: 10,
      clusterPerConnectionBufferLimitBytes: 65536,
      tlsMinimumProtocolVersion: "1.3",
      tlsCipherSuites: ["ECDHE-RSA-AES256-GCM-SHA384", "[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]"],
    });
  });

  it("reads accesslog-level, accesslog-format-string and json-fields as upstream does", () => {
    assert.equal(ok(load("accesslog-level: disabled\n")).config.envoy.accessLog, "off");
    assert.equal(ok(load("accesslog-level: critical\n")).config.envoy.accessLogLevel, "critical");
    assert.equal(ok(load('accesslog-format-string: "%REQ(:METHOD)% %RESPONSE_CODE%"\n')).config.envoy.accessLogFormatString, "%REQ(:METHOD)% %RESPONSE_CODE%\n");
    assert.deepEqual(ok(load("json-fields: [method, bytes_sent, host=%REQ(HOST)%]\n")).config.envoy.accessLogJsonFields, {
      method: "%REQ(:METHOD)%",
      bytes_sent: "%BYTES_SENT%",
      host: "%REQ(HOST)%",
    });
    // Envoy's own METADATA operator: a format reading route metadata gets the routes' source objects.
    const meta = "%METADATA(ROUTE:envoy.access_loggers.file:io.projectcontour:kind)%";
    assert.equal(ok(load(`accesslog-format-string: "${meta}"\n`)).config.envoy.accessLogFormatString, `${meta}\n`);
    assert.deepEqual(ok(load(`json-fields: ["kind=${meta}"]\n`)).config.envoy.accessLogJsonFields, { kind: meta });
    const bad = load('accesslog-format-string: "%NOPE%"\njson-fields: [colour]\n');
    if (!("errors" in bad)) assert.fail("expected errors");
    assert.deepEqual(bad.errors, [
      "accesslog-format-string in /c.yaml: unknown Envoy operator %NOPE%",
      'json-fields in /c.yaml: "colour" is not a field upstream Contour knows; use "colour=%OPERATOR%"',
    ]);
  });

  it("reads default-http-versions", () => {
    assert.deepEqual(ok(load('default-http-versions: ["HTTP/2"]\n')).config.envoy.httpVersions, ["HTTP/2"]);
    const bad = load('default-http-versions: ["HTTP/3"]\n');
    if (!("errors" in bad)) assert.fail("expected errors");
    assert.deepEqual(bad.errors, ['default-http-versions in /c.yaml: must be "HTTP/1.1" and/or "HTTP/2"; got ["HTTP/3"]']);
  });

  it("reads the global header policies and applyToIngress", () => {
    const { config, warnings } = ok(
      load("policy:\n  request-headers:\n    set: { X-Env: prod }\n    remove: [X-Debug]\n  response-headers:\n    set: { X-Served-By: contour }\n  applyToIngress: true\n"),
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(config.envoy.globalRequestHeaders, { set: [{ name: "X-Env", value: "prod" }], remove: ["X-Debug"] });
    assert.deepEqual(config.envoy.globalResponseHeaders, { set: [{ name: "X-Served-By", value: "contour" }], remove: [] });
    assert.equal(config.envoy.globalHeadersApplyToIngress, true);
  });

  it("refuses bad values, naming the key", () => {
    const result = load(
      "timeouts:\n  request-timeout: soon\nlistener:\n  http2-max-concurrent-streams: 0\ncompression:\n  algorithm: lzma\n" +
        'tls:\n  minimum-protocol-version: "1.3"\n  maximum-protocol-version: "1.2"\n  cipher-suites: [RC4-MD5]\n',
    );
    if (!("errors" in result)) assert.fail("expected errors");
    assert.deepEqual(result.errors.sort(), [
      'compression.algorithm in /c.yaml: must be one of gzip, brotli, zstd, disabled; got "lzma"',
      "listener.http2-max-concurrent-streams in /c.yaml: must be at least 1 (leave it out for Envoy's default)",
      'timeouts.request-timeout in /c.yaml: must be a duration such as "30s", or "infinity"; got "soon"',
      'tls.cipher-suites in /c.yaml: invalid cipher suites ["RC4-MD5"]',
      "tls.minimum-protocol-version: 1.3 is above tls.maximum-protocol-version 1.2",
    ]);
  });

  it("reads timeouts as upstream does", () => {
    assert.equal(parseUpstreamTimeout(""), null);
    assert.equal(parseUpstreamTimeout("infinity"), 0);
    assert.equal(parseUpstreamTimeout("infinite"), 0);
    assert.equal(parseUpstreamTimeout("0s"), 0);
    assert.equal(parseUpstreamTimeout("1m30s"), 90_000);
    assert.equal(parseUpstreamTimeout("90"), undefined);
  });
});
