/**
 * Regression cases of issue 9: objects that pass the CRDs' admission validation but that Envoy
 * rejects (or that cannot even be encoded). Each must leave its own object invalid, with a condition
 * naming the field, and the configuration of everything else must pass `envoy --mode validate`.
 * All cases live in one pipeline, so one Envoy run checks that none of them leaks into the output.
 */
import assert from "node:assert/strict";
import type { KubernetesObject } from "@kubernetes/client-node";
import { createPipeline, type Pipeline } from "../../operator/pipeline/pipeline.js";
import type { HTTPProxySpec } from "../../crds/types/httpproxy.js";
import { ingress, path, port, rule, service, tlsSecret } from "../source/testdata/fixtures.js";
import { prefixRoute, rootProxy, to } from "../httpproxy/testdata/fixtures.js";
import { envoyValidate } from "../fuzz/envoy-check.js";
import { makeTestCert, type TestKeyType } from "../fuzz/test-certs.js";

const NS = "tenant";
const EDGE = "2562047h47m16.854775807s";

/** One hostile HTTPProxy: its spec and the text its error must hold (the field path). */
interface ProxyCase {
  readonly name: string;
  readonly spec: HTTPProxySpec;
  readonly field: string;
}

const twoServices = (a: number, b: number) => [to("svc-a", 80, { weight: a }), to("svc-b", 80, { weight: b })];
const regexRoute = (regex: string) => ({ conditions: [{ regex }], services: [to("svc-a", 80)] });

const proxyCases: readonly ProxyCase[] = [
  { name: "weight-above-uint32", spec: { routes: [prefixRoute("/", twoServices(4294967296, 1))] }, field: "spec.routes[0].services[0].weight" },
  { name: "weight-sum-above-uint32", spec: { routes: [prefixRoute("/", twoServices(4294967295, 4294967295))] }, field: "spec.routes[0].services" },
  { name: "path-regex-control-escape", spec: { routes: [regexRoute("/\\cA")] }, field: "spec.routes[0].conditions" },
  { name: "path-regex-unicode-long-name", spec: { routes: [regexRoute("/\\p{Letter}")] }, field: "spec.routes[0].conditions" },
  { name: "path-regex-nested-repeat-size", spec: { routes: [regexRoute("/(?:(?:){30}){40}")] }, field: "spec.routes[0].conditions" },
  { name: "path-regex-double-repeat", spec: { routes: [regexRoute("/a{2}{2}")] }, field: "spec.routes[0].conditions" },
  {
    name: "header-regex-unicode-escape",
    spec: { routes: [{ conditions: [{ prefix: "/" }, { header: { name: "x-a", regex: "\\u0041" } }], services: [to("svc-a", 80)] }] },
    field: "spec.routes[0].conditions",
  },
  {
    name: "query-regex-backspace-class",
    spec: { routes: [{ conditions: [{ prefix: "/" }, { queryParameter: { name: "q", regex: "[\\b]" } }], services: [to("svc-a", 80)] }] },
    field: "spec.routes[0].conditions",
  },
  {
    name: "cors-origin-control-escape",
    spec: { vhost: { corsPolicy: { allowOrigin: ["\\cA"], allowMethods: ["GET"] } }, routes: [prefixRoute("/", [to("svc-a", 80)])] } as HTTPProxySpec,
    field: "spec.virtualhost.corsPolicy.allowOrigin[0]",
  },
  { name: "timeout-response-edge", spec: { routes: [prefixRoute("/", [to("svc-a", 80)], { timeoutPolicy: { response: EDGE } })] }, field: "spec.routes[0].timeoutPolicy.response" },
  { name: "timeout-idle-edge", spec: { routes: [prefixRoute("/", [to("svc-a", 80)], { timeoutPolicy: { idle: EDGE } })] }, field: "spec.routes[0].timeoutPolicy.idle" },
  {
    name: "timeout-idle-connection-edge",
    spec: { routes: [prefixRoute("/", [to("svc-a", 80)], { timeoutPolicy: { idleConnection: EDGE } })] },
    field: "spec.routes[0].timeoutPolicy.idleConnection",
  },
  { name: "retry-per-try-edge", spec: { routes: [prefixRoute("/", [to("svc-a", 80)], { retryPolicy: { perTryTimeout: EDGE } })] }, field: "spec.routes[0].retryPolicy.perTryTimeout" },
];

/**
 * Header settings at the edge of what Envoy takes: each proxy may be valid or invalid, but Envoy must
 * accept the resulting configuration (checked with the rest).
 */
const headerProbes: readonly HTTPProxySpec[] = [
  { routes: [prefixRoute("/", [to("svc-a", 80)], { requestHeadersPolicy: { remove: ["host"] } })] },
  { routes: [prefixRoute("/", [to("svc-a", 80)], { requestHeadersPolicy: { set: [{ name: "host", value: "a.test" }] } })] },
  { routes: [prefixRoute("/", [to("svc-a", 80)], { responseHeadersPolicy: { remove: ["content-length", "transfer-encoding", "connection"] } })] },
  { routes: [prefixRoute("/", [to("svc-a", 80)], { requestHeadersPolicy: { set: [{ name: "te", value: "trailers" }, { name: "x-odd", value: "\u2028 \u00e9 %REQ(:path)%" }] } })] },
  { routes: [prefixRoute("/", [to("svc-a", 80, { requestHeadersPolicy: { remove: ["Host"] } })])] },
  { routes: [{ conditions: [{ prefix: "/" }, { header: { name: "x_y", exact: "\u00e9" } }], services: [to("svc-a", 80)] }] },
  { routes: [{ conditions: [{ prefix: "/" }, { header: { name: "host", contains: "a" } }], services: [to("svc-a", 80)] }] },
];

/** TCP proxies on TLS passthrough hosts. */
const tcpCases: readonly ProxyCase[] = [
  { name: "tcp-weight-above-uint32", spec: { tcpproxy: { services: twoServices(4294967296, 1) } }, field: "spec.tcpproxy.services[0].weight" },
  { name: "tcp-weight-sum-above-uint32", spec: { tcpproxy: { services: twoServices(4294967295, 4294967295) } }, field: "spec.tcpproxy.services" },
];

/** Certificates Envoy refuses, served through a root's spec.virtualhost.tls.secretName. */
const badKeys: readonly TestKeyType[] = ["rsa-1024", "rsa-512", "dsa", "secp256k1"];

/** Certificates Envoy serves: they must stay valid. */
const goodKeys: readonly TestKeyType[] = ["rsa-2048", "p256", "p384", "p521", "ed25519"];

/** Hostile Ingresses: path, or annotations, and the text the error must hold. */
const ingressCases = [
  { name: "ingress-path-control-escape", path: "/\\cA*", annotations: {}, field: "spec.rules[0].http.paths[0].path" },
  { name: "ingress-path-backspace-class", path: "/[\\b]*", annotations: {}, field: "spec.rules[0].http.paths[0].path" },
  { name: "ingress-response-timeout-edge", path: "/", annotations: { "projectcontour.io/response-timeout": EDGE }, field: "projectcontour.io/response-timeout" },
  { name: "ingress-per-try-timeout-edge", path: "/", annotations: { "projectcontour.io/retry-on": "5xx", "projectcontour.io/per-try-timeout": EDGE }, field: "projectcontour.io/per-try-timeout" },
] as const;

const host = (name: string) => `${name}.bad.test`;

function allObjects(): KubernetesObject[] {
  const objects: KubernetesObject[] = [service("svc-a", [port(80)], { namespace: NS }), service("svc-b", [port(80)], { namespace: NS })];
  // Tenants that must keep working beside the hostile objects.
  objects.push(rootProxy("good", "good.test", { routes: [prefixRoute("/", twoServices(3, 1))] }, { namespace: NS }));
  for (const type of goodKeys) {
    const name = `good-tls-${type}`;
    const good = makeTestCert(type, `${name}.good.test`);
    objects.push(tlsSecret(`${name}-cert`, good.cert, good.key, { namespace: NS }));
    objects.push(rootProxy(name, `${name}.good.test`, { vhost: { tls: { secretName: `${name}-cert` } }, routes: [prefixRoute("/", [to("svc-a", 80)])] }, { namespace: NS }));
  }
  objects.push(ingress("good-ingress", { rules: [rule("ing.good.test", path("/app", "svc-a", 80))] }, { namespace: NS }));
  for (const c of proxyCases) {
    const { vhost, ...rest } = c.spec as HTTPProxySpec & { vhost?: object };
    objects.push(rootProxy(c.name, host(c.name), { ...rest, ...(vhost !== undefined ? { vhost } : {}) }, { namespace: NS }));
  }
  headerProbes.forEach((spec, i) => objects.push(rootProxy(`header-probe-${i}`, host(`header-probe-${i}`), spec, { namespace: NS })));
  for (const c of tcpCases) objects.push(rootProxy(c.name, host(c.name), { ...c.spec, vhost: { tls: { passthrough: true } } }, { namespace: NS }));
  for (const type of badKeys) {
    const name = `tls-${type}`;
    const cert = makeTestCert(type, host(name));
    objects.push(tlsSecret(`${name}-cert`, cert.cert, cert.key, { namespace: NS }));
    objects.push(rootProxy(name, host(name), { vhost: { tls: { secretName: `${name}-cert` } }, routes: [prefixRoute("/", [to("svc-a", 80)])] }, { namespace: NS }));
  }
  for (const c of ingressCases) {
    const p = path(c.path, "svc-a", 80, "ImplementationSpecific");
    objects.push(ingress(c.name, { rules: [rule(host(c.name), p)] }, { namespace: NS, annotations: c.annotations }));
  }
  return objects;
}

describe("issue 9: objects Envoy would reject are refused in their own status", function () {
  this.timeout(120_000);
  let pipeline: Pipeline;
  let buildError: unknown;
  let quarantined: readonly unknown[] = [];

  before(() => {
    pipeline = createPipeline({ translate: {} });
    for (const o of allObjects()) pipeline.apply(o.kind as Parameters<Pipeline["apply"]>[0], "add", o);
    try {
      quarantined = pipeline.build().quarantined;
    } catch (e) {
      buildError = e;
    }
  });

  it("builds without throwing", () => assert.equal(buildError, undefined, String(buildError)));
  // The pipeline would isolate an object it cannot encode; these must be refused by validation before that.
  it("quarantines nothing at encoding", () => assert.deepEqual(quarantined, []));

  const proxyError = (name: string): string => {
    const view = pipeline.httpProxyStatuses().find((s) => s.key.name === name)?.view;
    assert.ok(view !== undefined, `${name} has a status`);
    assert.equal(view.currentStatus, "invalid", `${name}: ${JSON.stringify(view)}`);
    return view.errors.map((e) => `${e.reason}: ${e.message}`).join("\n");
  };

  for (const c of [...proxyCases, ...tcpCases]) {
    it(`HTTPProxy ${c.name}: invalid, naming ${c.field}`, () => assert.ok(proxyError(c.name).includes(c.field), proxyError(c.name)));
  }
  for (const type of badKeys) {
    it(`HTTPProxy with a ${type} certificate: invalid, naming the Secret`, () => {
      const errors = proxyError(`tls-${type}`);
      assert.match(errors, /SecretNotValid/u);
      assert.ok(errors.includes("spec.virtualhost.tls.secretName"), errors);
    });
  }
  for (const c of ingressCases) {
    it(`Ingress ${c.name}: an error naming ${c.field}`, () => {
      const conditions = pipeline.conditions({ kind: "Ingress", namespace: NS, name: c.name }) ?? [];
      const errors = conditions.filter((x) => x.status === "False").map((x) => `${x.reason}: ${x.message}`).join("\n");
      assert.ok(errors.includes(c.field), JSON.stringify(conditions));
    });
  }

  it("keeps the other tenants valid", () => {
    for (const name of ["good", ...goodKeys.map((t) => `good-tls-${t}`)]) assert.equal(pipeline.httpProxyStatuses().find((s) => s.key.name === name)?.view?.currentStatus, "valid", name);
  });

  it("emits a configuration Envoy accepts (envoy --mode validate)", async () => {
    assert.equal(buildError, undefined);
    const verdict = await envoyValidate(pipeline.build().resources);
    assert.ok(verdict.ok, verdict.output);
  });
});
