// The leader keeps one LoadBalancer Service per accepted Gateway (shaped by
// controllers/gateway/gateway-service.ts): created when missing, replaced when its labels,
// annotations or spec differ from what it should be, deleted when its Gateway is gone or not ours.
// Writes go one at a time; a failed one is tried again on the next change (or the periodic resync).
import type { KubeConfig, V1EndpointSlice, V1Service } from "@kubernetes/client-node";
import { canonicalJson } from "../../controllers/model/names.js";
import type { Logger } from "../log.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { KubeError } from "../runtime/kube-error.js";
import { kubeRequest } from "../runtime/kube-request.js";
import { collectionPath, KIND_RESOURCES, objectPath } from "../runtime/kinds.js";

/** Options of createGatewayServiceSync. */
export interface GatewayServiceSyncOptions {
  readonly pipeline: Pipeline;
  readonly kubeConfig: KubeConfig;
  readonly isLeader: () => boolean;
  readonly log: Logger;
}

/** Reconciles the owned Services with what the Gateway stage wants. */
export interface GatewayServiceSync {
  /** Look again (after a build that recomputed the Gateway stage, or on becoming leader). */
  changed(): void;
  /** Resolves when no write is in flight (tests). */
  idle(): Promise<void>;
}

/** The parts of a Service this controller decides; anything else (clusterIP, nodePorts, status) is the API server's. */
function owned(s: V1Service): unknown {
  return {
    labels: s.metadata?.labels ?? {},
    annotations: s.metadata?.annotations ?? {},
    owners: (s.metadata?.ownerReferences ?? []).map((o) => ({ kind: o.kind, name: o.name, uid: o.uid })),
    type: s.spec?.type,
    selector: s.spec?.selector ?? {},
    ports: (s.spec?.ports ?? []).map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: p.protocol ?? "TCP" })),
    loadBalancerIP: s.spec?.loadBalancerIP,
  };
}

/** Creates the sync. */
export function createGatewayServiceSync(options: GatewayServiceSyncOptions): GatewayServiceSync {
  const { pipeline, kubeConfig, isLeader, log } = options;
  const resource = KIND_RESOURCES.Service;
  const sliceResource = KIND_RESOURCES.EndpointSlice;
  let running: Promise<void> = Promise.resolve();
  let again = false;
  let busy = false;

  async function request(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<void> {
    await kubeRequest(kubeConfig, { method, path, ...(body === undefined ? {} : { body }), timeoutMs: 10_000 });
  }

  async function pass(): Promise<void> {
    const state = pipeline.gatewayState();
    for (const want of state.services) {
      if (!isLeader()) return;
      const ns = want.metadata?.namespace ?? "";
      const name = want.metadata?.name ?? "";
      const have = pipeline.cache.get<V1Service>("Service", ns, name);
      try {
        if (have === undefined) {
          await request("POST", collectionPath(resource, ns), want);
          log.info({ kind: "Service", namespace: ns, name }, "created the Service of a Gateway");
        } else if (canonicalJson(owned(have)) !== canonicalJson(owned(want))) {
          // A replace keeps what the API server assigned (clusterIP, nodePorts) from the copy read.
          const ports = (want.spec?.ports ?? []).map((p) => ({ ...p, ...(have.spec?.ports?.find((q) => q.port === p.port)?.nodePort === undefined ? {} : { nodePort: have.spec?.ports?.find((q) => q.port === p.port)?.nodePort }) }));
          const body: V1Service = { ...have, metadata: { ...have.metadata, labels: want.metadata?.labels, annotations: want.metadata?.annotations, ownerReferences: want.metadata?.ownerReferences }, spec: { ...have.spec, ...want.spec, ports } };
          await request("PUT", objectPath(resource, ns, name), body);
          log.info({ kind: "Service", namespace: ns, name }, "updated the Service of a Gateway");
        }
      } catch (err) {
        // 409 on a create: the informer has not shown us our own Service yet; it will.
        if (have === undefined && KubeError.from(err).statusCode === 409) continue;
        log.warn({ kind: "Service", namespace: ns, name, err: KubeError.from(err) }, "could not write the Service of a Gateway; trying again on the next change");
      }
    }
    for (const want of state.endpointSlices) {
      if (!isLeader()) return;
      const ns = want.metadata?.namespace ?? "";
      const name = want.metadata?.name ?? "";
      const have = pipeline.cache.get<V1EndpointSlice>("EndpointSlice", ns, name);
      const shape = (e: V1EndpointSlice): string => canonicalJson({ labels: e.metadata?.labels ?? {}, endpoints: (e.endpoints ?? []).map((x) => ({ addresses: x.addresses, ready: x.conditions?.ready })), ports: e.ports ?? [] });
      try {
        if (have === undefined) await request("POST", collectionPath(sliceResource, ns), want);
        else if (shape(have) !== shape(want)) await request("PUT", objectPath(sliceResource, ns, name), { ...want, metadata: { ...want.metadata, resourceVersion: have.metadata?.resourceVersion } });
      } catch (err) {
        if (have === undefined && KubeError.from(err).statusCode === 409) continue;
        log.warn({ kind: "EndpointSlice", namespace: ns, name, err: KubeError.from(err) }, "could not write the EndpointSlice of a Gateway Service; trying again on the next change");
      }
    }
    for (const stale of state.staleServices) {
      if (!isLeader()) return;
      const ns = stale.metadata?.namespace ?? "";
      const name = stale.metadata?.name ?? "";
      try {
        await request("DELETE", objectPath(resource, ns, name));
        await request("DELETE", objectPath(sliceResource, ns, name)).catch(() => undefined);
        log.info({ kind: "Service", namespace: ns, name }, "deleted the Service of a Gateway that is gone or not ours");
      } catch (err) {
        if (KubeError.from(err).statusCode !== 404) log.warn({ kind: "Service", namespace: ns, name, err: KubeError.from(err) }, "could not delete a stale Gateway Service");
      }
    }
  }

  function changed(): void {
    if (!isLeader()) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    running = (async () => {
      do {
        again = false;
        await pass();
      } while (again && isLeader());
      busy = false;
    })();
  }

  return { changed, idle: () => running };
}
