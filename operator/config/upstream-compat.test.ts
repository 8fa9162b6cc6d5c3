import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadServeConfig, type LoadServeConfigResult } from "./load-serve-config.js";
import type { ServeConfig } from "./serve-config.js";
import { closestName } from "./suggest.js";
import { serveFlagNames } from "./parse-flags.js";
import { SETTINGS } from "./settings.js";
import { parseBootstrapArgs } from "../commands/bootstrap.js";
import { parseCertgenArgs } from "../commands/certgen.js";
import { envoyArgsErrors } from "../commands/envoy.js";

// Compiled to dist/operator/config/: the fixtures stay in the source tree.
const testdata = new URL("../../../operator/config/testdata/", import.meta.url);
const upstreamFile = readFileSync(new URL("upstream-v1.33.6-contour.yaml", testdata), "utf8");
const upstreamArgs = JSON.parse(readFileSync(new URL("upstream-v1.33.6-serve-args.json", testdata), "utf8")) as { serve: string[] };

const files = (map: Record<string, string>) => (path: string) => {
  const text = map[path];
  if (text === undefined) throw new Error(`ENOENT: no such file ${path}`);
  return text;
};
const certs = ["--contour-cafile=/ca", "--contour-cert-file=/crt", "--contour-key-file=/key"];

function loaded(result: LoadServeConfigResult): { config: ServeConfig; warnings: string[] } {
  if (!("config" in result)) assert.fail(`expected a config, got ${JSON.stringify(result)}`);
  return result;
}
function errors(result: LoadServeConfigResult): string[] {
  if (!("errors" in result)) assert.fail(`expected errors, got ${JSON.stringify(result)}`);
  return result.errors;
}

describe("upstream Contour v1.33.6 compatibility", () => {
  it("accepts the quickstart's contour serve args and ConfigMap as they are, without a warning", () => {
    const env = { CONTOUR_NAMESPACE: "projectcontour", POD_NAME: "contour-abc", KUBERNETES_SERVICE_HOST: "198.18.0.1", KUBERNETES_SERVICE_PORT: "443" };
    const { config, warnings } = loaded(loadServeConfig(upstreamArgs.serve, files({ "/config/contour.yaml": upstreamFile }), env));
    assert.deepEqual(warnings, []);
    assert.equal(config.kubeconfig, undefined, "--incluster: the pod's service account");
    assert.deepEqual({ address: config.xds.address, port: config.xds.port }, { address: "0.0.0.0", port: 8001 });
    assert.deepEqual(config.xds.tls, { caFile: "/certs/ca.crt", certFile: "/certs/tls.crt", keyFile: "/certs/tls.key" });
    assert.deepEqual(config.envoyService, { name: "envoy", namespace: "projectcontour" });
    assert.equal(config.leaderElection.leaseName, "leader-elect");
  });

  it("takes the namespaces from CONTOUR_NAMESPACE, under the config file and flags", () => {
    const env = { CONTOUR_NAMESPACE: "team-a" };
    const { config } = loaded(loadServeConfig(certs, files({}), env));
    assert.equal(config.leaderElection.namespace, "team-a");
    assert.equal(config.envoyService.namespace, "team-a");
    const fromFile = loaded(loadServeConfig([...certs, "-c", "/c", "--leader-election-resource-namespace=ops"], files({ "/c": "envoy-service-namespace: edge\n" }), env)).config;
    assert.equal(fromFile.envoyService.namespace, "edge");
    assert.equal(fromFile.leaderElection.namespace, "ops");
  });

  it("reads the TLS files from CONTOUR_CAFILE, CONTOUR_CERT_FILE and CONTOUR_KEY_FILE", () => {
    const { config } = loaded(loadServeConfig([], files({}), { CONTOUR_CAFILE: "/e/ca", CONTOUR_CERT_FILE: "/e/crt", CONTOUR_KEY_FILE: "/e/key" }));
    assert.deepEqual(config.xds.tls, { caFile: "/e/ca", certFile: "/e/crt", keyFile: "/e/key" });
  });

  it("maps upstream's flag names onto ours", () => {
    const { config, warnings } = loaded(
      loadServeConfig(
        [
          ...certs,
          "--envoy-service-http-address=127.0.0.2", "--envoy-service-http-port=81",
          "--envoy-service-https-address=127.0.0.3", "--envoy-service-https-port=444",
          "--leader-election-resource-name=lease-a", "--leader-election-resource-namespace=ns-a",
          "--kubernetes-client-qps=2.5", "--kubernetes-client-burst=7",
          "-d", "--kubeconfig=/kc",
          "--disable-feature=tlsroutes,grpcroutes",
        ],
        files({}),
      ),
    );
    assert.deepEqual(config.envoyListeners, { http: { address: "127.0.0.2", port: 81 }, https: { address: "127.0.0.3", port: 444 } });
    assert.equal(config.leaderElection.leaseName, "lease-a");
    assert.equal(config.leaderElection.namespace, "ns-a");
    assert.deepEqual(config.kubernetesClient, { qps: 2.5, burst: 7 });
    assert.equal(config.log.level, "debug");
    assert.equal(config.kubeconfig, "/kc");
    assert.deepEqual(warnings, []);
  });

  it("reads the nested upstream keys it implements", () => {
    const file = [
      "debug: true",
      "kubeconfig: /kc",
      "kubernetesClientQPS: 20",
      "kubernetesClientBurst: 40",
      "ingress-status-address: lb.example.com",
      "envoy-service-name: edge",
      "metrics:",
      "  contour:",
      "    address: 127.0.0.1",
      "    port: 9100",
    ].join("\n");
    const { config, warnings } = loaded(loadServeConfig([...certs, "--config-path", "/c"], files({ "/c": file })));
    assert.deepEqual(warnings, []);
    assert.equal(config.log.level, "debug");
    assert.equal(config.kubeconfig, "/kc");
    assert.deepEqual(config.kubernetesClient, { qps: 20, burst: 40 });
    assert.deepEqual(config.ingress.statusAddresses, ["lb.example.com"]);
    assert.equal(config.envoyService.name, "edge");
    assert.deepEqual(config.http, { address: "127.0.0.1", port: 9100 });
  });

  it("warns once for each accepted but unimplemented setting, naming it", () => {
    const file = [
      "disablePermitInsecure: true", // implemented: no warning
      "accesslog-format: json", // implemented: no warning
      "timeouts:",
      "  connection-idle-timeout: 60s", // upstream's default: no warning
      "  request-timeout: 30s", // implemented: no warning
      "  connect-timeout: 5s", // implemented: no warning
      "tls:",
      "  minimum-protocol-version: \"1.3\"", // implemented: no warning
      "  fallback-certificate:",
      "    name: fallback",
      "    namespace: projectcontour",
      "policy:", // implemented: no warning
      "  request-headers:",
      "    set: { X-A: b }",
    ].join("\n");
    const { warnings } = loaded(loadServeConfig([...certs, "-c", "/c", "--use-proxy-protocol", "--debug-http-port=6061", "--stats-port=8102"], files({ "/c": file })));
    const named = (key: string) => warnings.filter((w) => w.startsWith(key)).length;
    assert.equal(named("disablePermitInsecure in /c"), 0);
    assert.equal(named("accesslog-format in /c"), 0);
    assert.equal(named("timeouts.request-timeout in /c"), 0);
    assert.equal(named("timeouts.connect-timeout in /c"), 0);
    assert.equal(named("timeouts.connection-idle-timeout"), 0);
    assert.equal(named("tls.minimum-protocol-version in /c"), 0);
    assert.equal(named("tls.fallback-certificate"), 0, "the fallback certificate is implemented");
    assert.equal(named("policy.request-headers.set in /c"), 0);
    assert.equal(named("--use-proxy-protocol"), 0);
    assert.equal(named("--debug-http-port"), 0, "the debug listener is implemented");
    assert.equal(named("--stats-port"), 0, "the health listener is served over LDS");
    assert.equal(warnings.length, 0, JSON.stringify(warnings));
  });

  it("reports every unknown flag and key at once, each with the closest name", () => {
    const file = "disablePermitInsecur: false\ntimeouts:\n  request-timout: 1s\nxds-prot: 1\n";
    const got = errors(loadServeConfig([...certs, "--incluser", "--xds-adress", "1.2.3.4", "-c", "/c"], files({ "/c": file })));
    assert.ok(got.includes(`unknown flag '--incluser'; did you mean "--incluster"?`), JSON.stringify(got));
    assert.ok(got.includes(`unknown flag '--xds-adress'; did you mean "--xds-address"?`), JSON.stringify(got));
    assert.ok(!got.some((m) => m.includes("1.2.3.4")), "the unknown flag's value is not reported again");
    assert.ok(got.includes(`/c: unknown setting "disablePermitInsecur"; did you mean "disablePermitInsecure"?`), "the file's problems in the same run");
    const fileErrors = errors(loadServeConfig([...certs, "-c", "/c"], files({ "/c": file })));
    assert.deepEqual(fileErrors, [
      `/c: unknown setting "disablePermitInsecur"; did you mean "disablePermitInsecure"?`,
      `/c: unknown setting "timeouts.request-timout"; did you mean "timeouts.request-timeout"?`,
      `/c: unknown setting "xds-prot"; did you mean "xds-port"?`,
    ]);
  });

  it("checks the values of upstream keys", () => {
    const file = "accesslog-format: xml\ncluster:\n  dns-lookup-family: v5\nnetwork:\n  admin-port: nine\ndisableMergeSlashes: 'yes'\n";
    const got = errors(loadServeConfig([...certs, "-c", "/c"], files({ "/c": file })));
    assert.equal(got.length, 4, JSON.stringify(got));
    assert.ok(got.some((m) => /^accesslog-format in \/c: must be one of envoy, json/.test(m)));
    assert.ok(got.some((m) => /^cluster.dns-lookup-family in \/c: must be one of auto, v4, v6, all/.test(m)));
  });

  it("refuses --incluster outside a pod instead of falling back to ~/.kube/config", () => {
    assert.match(errors(loadServeConfig([...certs, "--incluster"], files({}))).join("\n"), /--incluster: not running in a pod/);
  });

  it("takes --contour-config-name (read from the cluster at start), and refuses it beside --config-path", () => {
    assert.equal(loaded(loadServeConfig([...certs, "--contour-config-name=contour"], files({}))).config.contourConfigName, "contour");
    const got = errors(loadServeConfig([...certs, "--contour-config-name=contour", "--config-path=/c.yaml"], files({ "/c.yaml": "" })));
    assert.match(got.join("\n"), /--contour-config-name: cannot be combined with --config-path/);
  });

  it("accepts several ingress class names, as upstream splits them on commas, and checks each", () => {
    assert.equal(loaded(loadServeConfig([...certs, "--ingress-class-name=contour,team1"], files({}))).config.ingress.className, "contour,team1");
    assert.match(errors(loadServeConfig([...certs, "--ingress-class-name=contour,Team_1"], files({}))).join("\n"), /"Team_1" is not a valid IngressClass name/);
  });
});

describe("closestName", () => {
  it("suggests a near name and nothing for a far one", () => {
    assert.equal(closestName("xds-prot", ["xds-port", "http-port"]), "xds-port");
    assert.equal(closestName("completely-else", ["xds-port", "http-port"]), undefined);
  });
});

describe("every flag of upstream Contour v1.33.6 is known", () => {
  const flags = JSON.parse(readFileSync(new URL("upstream-v1.33.6-flags.json", testdata), "utf8")) as Record<string, string[]>;
  it("to contour serve, with its short forms", () => {
    const known = new Set(serveFlagNames());
    for (const flag of [...(flags["serve"] ?? []), ...(flags["global"] ?? [])]) assert.ok(known.has(flag), `--${flag}`);
    assert.deepEqual(SETTINGS.filter((s) => s.short !== undefined).map((s) => s.short).sort(), flags["serveShort"]);
  });
  it("to contour bootstrap, certgen and envoy (no unknown-flag error for any of them)", () => {
    const unknown = (message: string) => message.split("\n").filter((l) => l.startsWith("unknown flag"));
    const asArgs = (names: string[] | undefined) => (names ?? []).map((n) => `--${n}=x`);
    for (const flag of asArgs(flags["bootstrap"])) {
      const r = parseBootstrapArgs(["-", flag]);
      assert.deepEqual(r.kind === "error" ? unknown(r.message) : [], [], flag);
    }
    for (const flag of asArgs(flags["certgen"])) {
      const r = parseCertgenArgs([flag]);
      assert.deepEqual(r.kind === "error" ? unknown(r.message) : [], [], flag);
    }
    for (const [sub, names] of [["shutdown-manager", flags["shutdownManager"]], ["shutdown", flags["shutdown"]]] as const) {
      for (const flag of asArgs(names)) assert.deepEqual(envoyArgsErrors([sub, flag]).filter((e) => e.startsWith("unknown flag")), [], `${sub} ${flag}`);
    }
  });
});
