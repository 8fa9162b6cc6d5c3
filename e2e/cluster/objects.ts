// Helpers of the cluster specs: apply manifests, read objects, wait for pods, run kubectl, all against
// a bed started with `cluster: true`.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";
import { createApiClient, ApiError, type ApiClient } from "../harness/kubelet/api.js";
import { resolveTool, type TestBed } from "../harness/index.js";
import { waitFor } from "../harness/wait-for.js";

const run = promisify(execFile);

/** A Pod as the specs read it. */
export interface PodView {
  metadata: { name: string; namespace: string; uid: string; labels?: Record<string, string> };
  spec: { nodeName?: string };
  status: {
    phase?: string;
    podIP?: string;
    hostIP?: string;
    startTime?: string;
    conditions?: Array<{ type: string; status: string }>;
    containerStatuses?: Array<{ name: string; ready: boolean; restartCount: number; state: Record<string, { reason?: string; message?: string }> }>;
  };
}

/** The API client of the bed's admin. */
export function adminClient(bed: TestBed): ApiClient {
  return createApiClient(bed.apiserver);
}

/** Finds the REST collection path of a kind through API discovery (cached per client). */
export function resourcePaths(api: ApiClient): (apiVersion: string, kind: string, namespace: string | undefined) => Promise<string> {
  const lists = new Map<string, Promise<Array<{ name: string; kind: string; namespaced: boolean }>>>();
  return async (apiVersion, kind, namespace) => {
    const group = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list = lists.get(group);
    if (list === undefined) {
      list = api.request<{ resources: Array<{ name: string; kind: string; namespaced: boolean }> }>("GET", group).then((r) => r.resources);
      lists.set(group, list);
      // A CRD applied a moment ago may not be served yet: forget a failed or stale answer.
      list.catch(() => lists.delete(group));
    }
    const resource = (await list).find((r) => r.kind === kind && !r.name.includes("/"));
    if (resource === undefined) {
      lists.delete(group);
      throw new Error(`${apiVersion} ${kind} is not served by the API server`);
    }
    return resource.namespaced ? `${group}/namespaces/${namespace ?? "default"}/${resource.name}` : `${group}/${resource.name}`;
  };
}

/** Runs kubectl against the bed; resolves with stdout, rejects with stderr quoted. */
export async function kubectl(bed: TestBed, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(resolveTool("kubectl"), [`--kubeconfig=${bed.apiserver.kubeconfigPath}`, ...args], { timeout: 60_000, maxBuffer: 16 << 20 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(" ")} failed: ${e.stderr ?? e.message}`);
  }
}

/** Server-side applies every document of a YAML text (field manager contour-e2e). */
export async function applyManifests(api: ApiClient, text: string): Promise<number> {
  let count = 0;
  const pathOf = resourcePaths(api);
  // YAML 1.1, as kubectl reads manifests: `defaultMode: 0644` is octal there (420), decimal 644 in YAML 1.2.
  for (const doc of parseAllDocuments(text, { version: "1.1" })) {
    const obj = doc.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } } | null;
    if (obj === null || obj.kind === undefined || obj.apiVersion === undefined) continue;
    // CRDs applied just before are served a moment later.
    const collection = await waitFor(() => pathOf(obj.apiVersion!, obj.kind!, obj.metadata?.namespace), { timeoutMs: 15_000, description: `the API server to serve ${obj.apiVersion} ${obj.kind}` });
    const path = `${collection}/${obj.metadata?.name}?fieldManager=contour-e2e&force=true`;
    // ServiceAccount admission refuses Pods until the controller has made the namespace's "default"
    // ServiceAccount, a moment after the namespace: retry that (only that) for up to 15 s, as a person would.
    for (let attempt = 0; ; attempt++) {
      try {
        await api.request("PATCH", path, obj, "application/apply-patch+yaml");
        break;
      } catch (err) {
        if (!(err instanceof ApiError && /serviceaccount ".*" not found/.test(err.message)) || attempt >= 150) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    count++;
  }
  return count;
}

/** The pods of a namespace matching a label selector. */
export async function listPods(api: ApiClient, namespace: string, selector?: string): Promise<PodView[]> {
  const query = selector === undefined ? "" : `?labelSelector=${encodeURIComponent(selector)}`;
  return (await api.request<{ items: PodView[] }>("GET", `/api/v1/namespaces/${namespace}/pods${query}`)).items;
}

/** Whether a pod's Ready condition is True. */
export function isReady(pod: PodView): boolean {
  return pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
}

/** Waits until `count` pods match and all are Ready; resolves with them. */
export async function waitForReadyPods(api: ApiClient, namespace: string, selector: string, count: number, timeoutMs = 60_000): Promise<PodView[]> {
  let last: PodView[] = [];
  return waitFor(
    async () => {
      last = await listPods(api, namespace, selector);
      return last.length === count && last.every(isReady) ? last : undefined;
    },
    { timeoutMs, intervalMs: 200, description: () => `${count} Ready pods ${selector} in ${namespace}; have ${JSON.stringify(last.map((p) => ({ name: p.metadata.name, phase: p.status.phase, containers: p.status.containerStatuses })))}` },
  );
}

/** GET that resolves undefined on 404. */
export async function getOrUndefined<T>(api: ApiClient, path: string): Promise<T | undefined> {
  try {
    return await api.request<T>("GET", path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}
