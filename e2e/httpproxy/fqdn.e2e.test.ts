// Port of upstream Contour v1.33.6's test/e2e/httpproxy/fqdn_test.go: "invalid wildcard fqdn"
// (httpproxy-invalid-wildcard-fqdn, a CRD validation), "wildcard routing works"
// (httpproxy-wildcard-subdomain-fqdn) and "wildcard from an Ingress is overridden by a HTTPProxy with
// subdomain" (httpproxy-ingress-wildcard-override). Each test keeps upstream's namespace; one stack
// serves the three (upstream restarts contour per test, which changes nothing here: the hosts differ).
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { KubeError } from "../../operator/runtime/kube-error.js";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { createIngress, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, describeResponse, echoBody, hasStatusCode, requestUntil } from "../fixtures/upstream-echo.js";

describe("httpproxy/fqdn_test.go", function () {
  const ctx = useStack({ crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();
  const proxyTo = (ns: string, name: string, fqdn: string, service: string) => createHTTPProxy(kc(), ns, name, { virtualhost: { fqdn }, routes: [{ services: [{ name: service, port: 80 }] }] });

  it("invalid wildcard fqdn", async () => {
    const ns = "httpproxy-invalid-wildcard-fqdn";
    await deployEcho(ctx.stack, ns, "ingress-conformance-echo");
    // Creation should fail the kubebuilder CRD validations.
    await assert.rejects(proxyTo(ns, "wildcard-subdomain", "*", "ingress-conformance-echo"), (err: unknown) => KubeError.from(err).statusCode === 422, "Expected invalid wildcard to be rejected.");
  });

  it("wildcard routing works", async () => {
    const { stack } = ctx;
    const ns = "httpproxy-wildcard-subdomain-fqdn";
    for (const name of ["wildcarddomainio", "domainio", "bardomainio"]) await deployEcho(stack, ns, name);
    await proxyTo(ns, "wildcard", "*.domain.io", "wildcarddomainio");
    await proxyTo(ns, "full-fqdn", "domain.io", "domainio");
    await proxyTo(ns, "fqdn-subdomain", "bar.domain.io", "bardomainio");
    for (const name of ["wildcard", "full-fqdn", "fqdn-subdomain"]) await waitForProxyStatus(kc(), ns, name, "valid");

    const cases: [string, string | undefined][] = [
      ["domain.io", "domainio"],
      ["www.domain.io", "wildcarddomainio"],
      ["bar.domain.io", "bardomainio"],
      ["foo.domain.io", "wildcarddomainio"],
      ["bar.foo.domain.io", undefined],
    ];
    const failures: string[] = [];
    for (const [fqdn, service] of cases) {
      if (service !== undefined) {
        const { res, ok } = await requestUntil(stack, { host: fqdn, path: "/" }, hasStatusCode(200));
        if (!ok || res === undefined) {
          failures.push(`${fqdn}: expected 200 response code, got ${describeResponse(res)}`);
          continue;
        }
        const body = echoBody(res);
        if (body.namespace !== ns || body.service !== service) failures.push(`${fqdn}: expected ${ns}/${service}, got ${body.namespace}/${body.service}`);
      } else {
        const { res, ok } = await requestUntil(stack, { host: fqdn, path: "/" }, hasStatusCode(404));
        if (!ok) failures.push(`${fqdn}: expected 404 response code, got ${describeResponse(res)}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it("wildcard from an Ingress is overridden by a HTTPProxy with subdomain", async () => {
    const { stack } = ctx;
    const ns = "httpproxy-ingress-wildcard-override";
    await deployEcho(stack, ns, "wildcarddomainio");
    await deployEcho(stack, ns, "bardomainio");
    await createIngress(stack.kube, ns, "wildcard-ingress", simpleIngressSpec("*.wildcard-override.projectcontour.io", "wildcarddomainio", 80, "/"));
    await proxyTo(ns, "fqdn-subdomain", "bar.wildcard-override.projectcontour.io", "bardomainio");
    await waitForProxyStatus(kc(), ns, "fqdn-subdomain", "valid");

    let { res, ok } = await requestUntil(stack, { host: "www.wildcard-override.projectcontour.io", path: "/" }, hasStatusCode(200));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);
    let body = echoBody(res);
    assert.equal(body.namespace, ns);
    assert.equal(body.service, "wildcarddomainio");

    ({ res, ok } = await requestUntil(stack, { host: "bar.wildcard-override.projectcontour.io", path: "/" }, hasStatusCode(200)));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);
    body = echoBody(res);
    assert.equal(body.namespace, ns);
    assert.equal(body.service, "bardomainio");
  });
});
