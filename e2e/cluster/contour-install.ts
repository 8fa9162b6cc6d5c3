// What the in-cluster specs (quickstart, rollout) share about a Contour install on the bed: upstream's
// rendered manifests from the module source `make tools` downloads, the echo workload with an HTTPProxy
// and an Ingress, the leader-election Lease, and "GET through the Envoy LoadBalancer until 200".
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { httpGet, resolveToolFile, waitFor } from "../harness/index.js";
import type { ApiClient } from "../harness/kubelet/api.js";

/** The upstream release whose manifests the specs apply. */
export const UPSTREAM_VERSION = "1.33.6";
/** The namespace every Contour manifest installs into. */
export const CONTOUR_NS = "projectcontour";
/** The echo image the bed's image map runs. */
export const ECHO_IMAGE = "registry.k8s.io/gateway-api/echo-basic:v1.5.1";

/** The path of one of upstream's rendered manifests (`contour.yaml`, `contour-deployment.yaml`...). */
export function upstreamManifestPath(file = "contour.yaml"): string {
  const path = join(resolveToolFile("upstream-contour-src"), "examples", "render", file);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`make tools\``);
  return path;
}

/** The text of one of upstream's rendered manifests. */
export function upstreamManifest(file = "contour.yaml"): string {
  return readFileSync(upstreamManifestPath(file), "utf8");
}

/** An echo Deployment and Service in `namespace`, an HTTPProxy `proxy.<namespace>.example.com` and an Ingress `ingress.<namespace>.example.com` to it. */
export function echoWorkload(namespace: string): string {
  return `
apiVersion: v1
kind: Namespace
metadata: { name: ${namespace} }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: echo, namespace: ${namespace} }
spec:
  replicas: 1
  selector: { matchLabels: { app: echo } }
  template:
    metadata: { labels: { app: echo } }
    spec:
      containers:
        - name: echo
          image: ${ECHO_IMAGE}
          env:
            - { name: POD_NAME, valueFrom: { fieldRef: { fieldPath: metadata.name } } }
            - { name: NAMESPACE, valueFrom: { fieldRef: { fieldPath: metadata.namespace } } }
          readinessProbe: { tcpSocket: { port: 3000 }, periodSeconds: 2 }
---
apiVersion: v1
kind: Service
metadata: { name: echo, namespace: ${namespace} }
spec:
  selector: { app: echo }
  ports: [{ name: http, port: 80, targetPort: 3000 }]
---
${httpProxy(namespace, "echo", `proxy.${namespace}.example.com`)}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: echo, namespace: ${namespace} }
spec:
  rules:
    - host: ingress.${namespace}.example.com
      http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: echo, port: { number: 80 } } } }] }
`;
}

/** A root HTTPProxy `name` for `fqdn` routing to the echo Service of `namespace`. */
export function httpProxy(namespace: string, name: string, fqdn: string): string {
  return `apiVersion: projectcontour.io/v1
kind: HTTPProxy
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  virtualhost: { fqdn: ${fqdn} }
  routes: [{ services: [{ name: echo, port: 80 }] }]
`;
}

interface Lease {
  metadata: { name: string };
  spec?: { holderIdentity?: string };
}

/** The holder of the Lease in `namespace` whose holder is one of `podNames` (identities start with the pod's name), if any. */
export async function leaseHolder(api: ApiClient, namespace: string, podNames: readonly string[]): Promise<string | undefined> {
  const leases = await api.request<{ items: Lease[] }>("GET", `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`);
  return leases.items.map((l) => l.spec?.holderIdentity ?? "").find((h) => podNames.some((n) => h.startsWith(n)));
}

/** Waits until GET http://address/ with Host `host` answers 200; resolves with the body. */
export async function waitServed(address: string, host: string, timeoutMs = 60_000): Promise<string> {
  let last = "";
  return waitFor(
    async () => {
      try {
        const r = await httpGet(`http://${address}/`, { host, timeoutMs: 2_000 });
        last = `${r.status} ${r.body.slice(0, 200)}`;
        return r.status === 200 ? r.body : undefined;
      } catch (err) {
        last = String(err);
        return undefined;
      }
    },
    { timeoutMs, intervalMs: 250, description: () => `GET http://${address}/ Host ${host} to answer 200 from the echo pod; last: ${last}` },
  );
}

/** Waits until the HTTPProxy's status is `valid` (written by the leader). */
export async function waitProxyValid(api: ApiClient, namespace: string, name: string, timeoutMs = 30_000): Promise<void> {
  let last = "";
  await waitFor(
    async () => {
      const p = await api.request<{ status?: { currentStatus?: string } }>("GET", `/apis/projectcontour.io/v1/namespaces/${namespace}/httpproxies/${name}`);
      last = JSON.stringify(p.status ?? {});
      return p.status?.currentStatus === "valid";
    },
    { timeoutMs, intervalMs: 250, description: () => `HTTPProxy ${namespace}/${name} status valid; last: ${last}` },
  );
}
