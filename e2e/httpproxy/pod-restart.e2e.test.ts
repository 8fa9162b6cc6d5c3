// Port of upstream Contour v1.33.6's test/e2e/httpproxy/pod_restart_test.go ("httpproxy-pod-restart",
// "when pods are recreated upstream endpoints are reconfigured"), on a bed that runs Pods: upstream's
// echo Deployment (fixtures/upstream-echo-deployment.ts), one of its Pods deleted, and the ReplicaSet's
// replacement reached through the EndpointSlice the real controller rewrites.
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEchoDeployment } from "../fixtures/upstream-echo-deployment.js";
import { describeResponse, echoBody, hasStatusCode, requestUntil } from "../fixtures/upstream-echo.js";
import { waitFor } from "../harness/index.js";

const NS = "httpproxy-pod-restart";

describe("httpproxy/pod_restart_test.go", function () {
  const ctx = useStack({ crds: true, cluster: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("when pods are recreated upstream endpoints are reconfigured", async function () {
    this.timeout(300_000);
    const { stack } = ctx;
    await deployEchoDeployment(stack, NS, "echo");
    const fqdn = "podrestart.projectcontour.io";
    await createHTTPProxy(kc(), NS, "pod-restart", { virtualhost: { fqdn }, routes: [{ services: [{ name: "echo", port: 80 }] }] });
    await waitForProxyStatus(kc(), NS, "pod-restart", "valid");

    let { res, ok } = await requestUntil(stack, { host: fqdn }, hasStatusCode(200));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);
    const body = echoBody(res);
    assert.equal(body.namespace, NS);
    assert.equal(body.service, "echo");

    const podName = body.pod;
    await stack.kube.core.deleteNamespacedPod({ namespace: NS, name: podName });
    // Upstream gives the deletion 2 minutes.
    await waitFor(
      async () => {
        try {
          await stack.kube.core.readNamespacedPod({ namespace: NS, name: podName });
          return false;
        } catch (err) {
          return (err as { code?: number }).code === 404;
        }
      },
      { timeoutMs: 120_000, intervalMs: 1000, description: `pod ${podName} to be deleted` },
    );

    // now make HTTP requests again and confirm we eventually get a 200
    ({ res, ok } = await requestUntil(stack, { host: fqdn }, hasStatusCode(200), 60_000));
    assert.ok(res !== undefined, "request never succeeded");
    assert.ok(ok, `expected 200 response code, got ${describeResponse(res)}`);
    // should be a different pod than the original request
    assert.notEqual(echoBody(res).pod, podName);
  });
});
