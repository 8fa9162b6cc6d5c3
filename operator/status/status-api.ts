// Reading an object and replacing its status subresource, as plain JSON, behind an interface for fakes.
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { isNotFound } from "../runtime/kube-error.js";
import { kubeRequest } from "../runtime/kube-request.js";

/** An object with a status, as read from the API server. */
export type ObjectWithStatus = KubernetesObject & { status?: unknown };

/** Access to objects' status subresources by object path (e.g. /apis/networking.k8s.io/v1/namespaces/ns/ingresses/x). */
export interface StatusApi {
  /** The object, or undefined when it does not exist. */
  get(path: string): Promise<ObjectWithStatus | undefined>;
  /** PUT <path>/status; `obj` carries the resourceVersion read, so a concurrent change fails with 409. */
  replaceStatus(path: string, obj: ObjectWithStatus): Promise<void>;
}

/** A StatusApi talking to the API server. Plain JSON, so fields unknown to client-node survive the round trip. */
export function createKubeStatusApi(kubeConfig: KubeConfig, timeoutMs = 10_000): StatusApi {
  return {
    async get(path) {
      try {
        return await kubeRequest<ObjectWithStatus>(kubeConfig, { path, timeoutMs });
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async replaceStatus(path, obj) {
      await kubeRequest(kubeConfig, { method: "PUT", path: `${path}/status`, body: obj, timeoutMs });
    },
  };
}
