// `make demo`: a local cluster (etcd + kube-apiserver), `contour serve`, Envoy and a demo app, all on
// 127.0.0.1. Prints the curl that shows traffic flowing; Ctrl-C stops everything and keeps the logs
// (contour's, Envoy's, the API server's) under e2e-logs/, saying where.
import process from "node:process";
import { createTestBed, httpGet, resolveTool, waitFor } from "../harness/index.js";
import { pickEnvoyPorts, startContour, startEnvoyFor, writeCertificates } from "../fixtures/contour.js";
import { applyEndpointSlice, createIngress, createService, ensureNamespace, kubeClients, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { installCrds } from "../fixtures/crds.js";
import { createHTTPProxy } from "../fixtures/contour-objects.js";

const HOST = "demo.contour.local";
const PROXY_HOST = "proxy.contour.local";

async function main(): Promise<void> {
  const started = Date.now();
  console.log("starting etcd and kube-apiserver ...");
  const bed = await createTestBed({ name: "demo", pods: ["demo-app-1", "demo-app-2"] });
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping ...");
    // failed: the bed copies the logs out of its temporary run dir and says where.
    await bed.stop({ failed: true });
    process.exit(code);
  };
  // On Ctrl-C the harness's own handler kills every process and removes the run dir at once, so the
  // logs are copied first, synchronously, by a listener that runs before it.
  const keepLogsAndExit = (): void => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping ...");
    console.log(`demo logs kept in ${bed.runDir.keepLogs()} (contour.log, envoy.log, kube-apiserver.log, ...)`);
    setImmediate(() => process.exit(0));
  };
  process.prependListener("SIGINT", keepLogsAndExit);
  process.prependListener("SIGTERM", keepLogsAndExit);

  try {
    const kube = kubeClients(bed.apiserver.makeKubeConfig());
    console.log("applying the CRDs and the demo app (Namespace, Service, EndpointSlices, Ingress, HTTPProxy) ...");
    await installCrds(bed.apiserver.makeKubeConfig());
    await ensureNamespace(kube, "projectcontour");
    await ensureNamespace(kube, "demo");
    await createService(kube, "demo", "demo-app", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, "demo", "demo-app", "http", bed.pods.map((b) => ({ ip: b.ip, port: b.port })).slice(0, 1), "a");
    await applyEndpointSlice(kube, "demo", "demo-app", "http", bed.pods.map((b) => ({ ip: b.ip, port: b.port })).slice(1, 2), "b");
    await createIngress(kube, "demo", "demo-app", simpleIngressSpec(HOST, "demo-app", "http"));
    await createHTTPProxy(bed.apiserver.makeKubeConfig(), "demo", "demo-proxy", {
      virtualhost: { fqdn: PROXY_HOST },
      routes: [{ conditions: [{ prefix: "/" }], services: [{ name: "demo-app", port: 80 }] }],
    });

    console.log("starting contour serve and Envoy ...");
    const certs = await writeCertificates(bed);
    const envoyPorts = await pickEnvoyPorts();
    const contour = await startContour(bed, { certs, envoyPorts, args: ["--log-format=text", "--ingress-status-address=127.0.0.1"] });
    const envoy = await startEnvoyFor(bed, { certs, xdsPort: contour.xdsPort });
    const url = `http://127.0.0.1:${envoyPorts.http}/`;
    for (const host of [HOST, PROXY_HOST]) {
      await waitFor(async () => (await httpGet(url, { host, timeoutMs: 1000 }).catch(() => undefined))?.status === 200, {
        timeoutMs: 30_000,
        description: `a 200 from ${url} (Host: ${host})`,
      });
    }

    console.log(`
contour is serving (up in ${((Date.now() - started) / 1000).toFixed(1)} s). Try:

  curl -H 'Host: ${HOST}' ${url}          (an Ingress)
  curl -H 'Host: ${PROXY_HOST}' ${url}         (an HTTPProxy)

Each request is answered by one of two demo backends (see "name" in the reply).

  kubeconfig:      ${bed.apiserver.kubeconfigPath}
  contour log:     ${contour.process.logPath}
  contour metrics: http://127.0.0.1:${contour.httpPort}/metrics
  Envoy admin:     ${envoy.adminUrl}
  Envoy log:       ${envoy.process.logPath}

Look around or change things with kubectl (built by make tools):

  ${resolveTool("kubectl")} --kubeconfig ${bed.apiserver.kubeconfigPath} get ingress,httpproxy -A

Press Ctrl-C to stop everything; the logs are then copied to e2e-logs/demo-<time>/ (the path is printed).`);
  } catch (err) {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    await stop(1);
  }
}

void main();
