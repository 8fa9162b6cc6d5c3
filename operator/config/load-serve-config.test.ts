import assert from "node:assert/strict";
import { loadServeConfig, type LoadServeConfigResult } from "./load-serve-config.js";
import type { ServeConfig } from "./serve-config.js";
import { formatDuration, parseDuration } from "./duration.js";

const noFiles = (path: string): string => {
  throw new Error(`ENOENT: no such file ${path}`);
};

function files(map: Record<string, string>): (path: string) => string {
  return (path) => {
    const text = map[path];
    if (text === undefined) throw new Error(`ENOENT: no such file ${path}`);
    return text;
  };
}

function config(result: LoadServeConfigResult): ServeConfig {
  if (!("config" in result)) assert.fail(`expected a config, got ${JSON.stringify(result)}`);
  return result.config;
}

function errors(result: LoadServeConfigResult): string[] {
  if (!("errors" in result)) assert.fail(`expected errors, got ${JSON.stringify(result)}`);
  return result.errors;
}

describe("loadServeConfig", () => {
  it("applies the defaults", () => {
    const c = config(loadServeConfig(["--insecure"], noFiles));
    assert.equal(c.kubeconfig, undefined);
    assert.deepEqual({ address: c.xds.address, port: c.xds.port, tls: c.xds.tls }, { address: "0.0.0.0", port: 8001, tls: undefined });
    assert.deepEqual(c.envoyService, { name: "envoy", namespace: "projectcontour" });
    assert.deepEqual(c.envoyListeners, { http: { address: "0.0.0.0", port: 8080 }, https: { address: "0.0.0.0", port: 8443 } });
    assert.deepEqual(c.leaderElection, {
      enabled: true,
      leaseName: "leader-elect",
      namespace: "projectcontour",
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    });
    assert.deepEqual(c.http, { address: "0.0.0.0", port: 8000 });
    assert.deepEqual(c.log, { level: "info", format: "json" });
    assert.deepEqual(c.watchNamespaces, []);
    assert.deepEqual(c.ingress, { className: undefined, statusAddresses: [] });
  });

  it("reads every setting from flags", () => {
    const c = config(
      loadServeConfig(
        [
          "--kubeconfig=/k",
          "--xds-address", "127.0.0.1",
          "--xds-port", "9001",
          "--contour-cafile", "/ca", "--contour-cert-file", "/crt", "--contour-key-file", "/key",
          "--ingress-class-name", "contour-a",
          "--ingress-status-address", "lb.example.com",
          "--watch-namespaces", "a,b", "--watch-namespaces", "c",
          "--root-namespaces", "a",
          "--disable-leader-election",
          "--leader-election-lease-duration", "30s", "--leader-election-renew-deadline", "20s", "--leader-election-retry-period", "500ms",
          "--log-format", "text", "--log-level", "debug",
        ],
        noFiles,
      ),
    );
    assert.equal(c.kubeconfig, "/k");
    assert.deepEqual(c.xds.tls, { caFile: "/ca", certFile: "/crt", keyFile: "/key" });
    assert.equal(c.xds.port, 9001);
    assert.equal(c.xds.address, "127.0.0.1");
    assert.deepEqual(c.ingress, { className: "contour-a", statusAddresses: ["lb.example.com"] });
    assert.deepEqual(c.watchNamespaces, ["a", "b", "c"]);
    assert.deepEqual(c.rootNamespaces, ["a"]);
    assert.equal(c.leaderElection.enabled, false);
    assert.equal(c.leaderElection.leaseDurationMs, 30_000);
    assert.equal(c.leaderElection.retryPeriodMs, 500);
    assert.deepEqual(c.log, { level: "debug", format: "text" });
  });

  it("lets flags override the config file, and the file override defaults", () => {
    const yaml = ["xds-port: 9001", "http-port: 9000", "insecure: true", "watch-namespaces: [a, b]", "log-format: text", "leader-election-retry-period: 1s"].join("\n");
    const c = config(loadServeConfig(["--config-file", "/etc/contour.yaml", "--xds-port", "9100", "--watch-namespaces", "c"], files({ "/etc/contour.yaml": yaml })));
    assert.equal(c.xds.port, 9100, "flag wins over file");
    assert.equal(c.http.port, 9000, "file wins over default");
    assert.deepEqual(c.watchNamespaces, ["c"], "a list flag replaces the file's list");
    assert.equal(c.xds.insecure, true);
    assert.equal(c.log.format, "text");
    assert.equal(c.leaderElection.retryPeriodMs, 1_000);
  });

  it("accepts comma-separated lists in the file", () => {
    const c = config(loadServeConfig(["--config-file=/c"], files({ "/c": "insecure: true\nroot-namespaces: 'x, y'\n" })));
    assert.deepEqual(c.rootNamespaces, ["x", "y"]);
  });

  it("returns usage for --help", () => {
    const result = loadServeConfig(["--help"], noFiles);
    assert.ok("help" in result && result.help.includes("--leader-election-lease-duration <duration>"));
  });

  const invalid: { name: string; args: string[]; file?: string; want: RegExp[] }[] = [
    { name: "unknown flag", args: ["--nope"], want: [/unknown flag '--nope'/] },
    { name: "positional argument", args: ["--insecure", "extra"], want: [/unexpected argument "extra"/] },
    { name: "no TLS and no --insecure", args: [], want: [/xDS needs TLS: set --contour-cafile, --contour-cert-file and --contour-key-file, or --insecure/] },
    { name: "partial TLS", args: ["--contour-cafile", "/ca"], want: [/also set --contour-cert-file, --contour-key-file/] },
    { name: "TLS and --insecure", args: ["--insecure", "--contour-cafile", "/ca"], want: [/--insecure: cannot be combined/] },
    { name: "bad port", args: ["--insecure", "--xds-port", "70000"], want: [/^--xds-port: must be a port number between 1 and 65535, got "70000"$/] },
    { name: "bad address", args: ["--insecure", "--http-address", "localhost"], want: [/^--http-address: must be an IP address, got "localhost"$/] },
    { name: "bad duration", args: ["--insecure", "--leader-election-retry-period", "2"], want: [/--leader-election-retry-period: must be a positive duration such as "15s"/] },
    {
      name: "lease shorter than deadline",
      args: ["--insecure", "--leader-election-lease-duration", "5s"],
      want: [/--leader-election-lease-duration: must be longer than --leader-election-renew-deadline/],
    },
    { name: "bad namespace", args: ["--insecure", "--watch-namespaces", "ok,Bad_NS"], want: [/--watch-namespaces: "Bad_NS" is not a valid namespace name/] },
    { name: "root outside watched", args: ["--insecure", "--watch-namespaces", "a", "--root-namespaces", "b"], want: [/--root-namespaces: "b" is not in --watch-namespaces/] },
    { name: "bad log format", args: ["--insecure", "--log-format", "xml"], want: [/--log-format: must be one of json, text; got "xml"/] },
    { name: "port clash", args: ["--insecure", "--http-port", "8001"], want: [/--http-port: 8001 is also the xDS port/] },
    { name: "bad status address", args: ["--insecure", "--ingress-status-address", "not a host"], want: [/"not a host" is neither an IP address nor a DNS name/] },
    { name: "missing config file", args: ["--insecure", "--config-file", "/missing"], want: [/^--config-file: cannot read \/missing: ENOENT/] },
    { name: "unknown file key", args: ["--config-file", "/c"], file: "insecure: true\nxds-prot: 1\n", want: [/\/c: unknown setting "xds-prot"/] },
    { name: "wrong file type", args: ["--config-file", "/c"], file: "insecure: 'yes'\n", want: [/insecure in \/c: must be true or false/] },
    { name: "file duration without unit", args: ["--config-file", "/c"], file: "insecure: true\nleader-election-retry-period: 2\n", want: [/a duration needs a unit, e.g. "2s"/] },
    { name: "file value validated with its source", args: ["--config-file", "/c"], file: "insecure: true\nxds-port: 0\n", want: [/^xds-port in \/c: must be a port number/] },
    { name: "file not YAML", args: ["--config-file", "/c"], file: "a: [", want: [/\/c: not valid YAML/] },
  ];
  for (const tc of invalid) {
    it(`reports ${tc.name}`, () => {
      const got = errors(loadServeConfig(tc.args, files(tc.file === undefined ? {} : { "/c": tc.file })));
      for (const want of tc.want) assert.ok(got.some((m) => want.test(m)), `no message matches ${want}: ${JSON.stringify(got)}`);
    });
  }

  it("reports every problem at once", () => {
    const got = errors(loadServeConfig(["--xds-port", "x", "--http-port", "y"], noFiles));
    assert.equal(got.length, 3, JSON.stringify(got));
  });
});

describe("parseDuration", () => {
  const cases: [string, number | undefined][] = [
    ["15s", 15_000],
    ["1m30s", 90_000],
    ["500ms", 500],
    ["1.5s", 1_500],
    ["1h", 3_600_000],
    ["0", 0],
    ["15", undefined],
    ["s", undefined],
    ["1x", undefined],
    ["", undefined],
  ];
  for (const [text, want] of cases) it(`"${text}" → ${String(want)}`, () => assert.equal(parseDuration(text), want));
  it("formats like Go", () => {
    assert.equal(formatDuration(90_000), "1m30s");
    assert.equal(formatDuration(500), "500ms");
    assert.equal(formatDuration(15_000), "15s");
  });
});
