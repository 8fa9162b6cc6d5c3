// Keeps every served Ingress's status.loadBalancer pointing at Envoy. Only the leader writes (the
// status writer checks); this decides what to write and when.
import type { ObjectKey } from "../../controllers/source/object-cache.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { computeIngressLoadBalancer, type IngressLoadBalancerStatus, type ServiceWithStatus, type StatusWriter } from "../status/index.js";


/** Options of createIngressStatusSync. */
export interface IngressStatusSyncOptions {
  readonly pipeline: Pipeline;
  readonly writer: StatusWriter;
  readonly statusAddresses: readonly string[];
  readonly envoyService: { readonly namespace: string; readonly name: string };
}

/** Decides which Ingress statuses to write. */
export interface IngressStatusSync {
  /** This replica became leader: write every served Ingress. */
  startedLeading(): void;
  /** These sources were just reconciled: write the served ones among them. */
  reconciled(keys: readonly ObjectKey[]): void;
  /** The Envoy Service may have changed: rewrite everything if the address did. */
  envoyServiceChanged(): void;
}

/** Creates the sync. */
export function createIngressStatusSync(options: IngressStatusSyncOptions): IngressStatusSync {
  const { pipeline, writer } = options;
  let current: string | undefined;

  function loadBalancer(): IngressLoadBalancerStatus {
    const service = pipeline.cache.get<ServiceWithStatus>("Service", options.envoyService.namespace, options.envoyService.name);
    return computeIngressLoadBalancer(options.statusAddresses, service);
  }

  function write(keys: Iterable<ObjectKey>): void {
    const status = loadBalancer();
    current = JSON.stringify(status);
    for (const key of keys) writer.updateIngressLoadBalancer(key.namespace, key.name, status);
  }

  return {
    startedLeading: () => write(pipeline.servedIngresses()),
    reconciled(keys) {
      // A served Ingress carries conditions; one of another class carries none.
      write(keys.filter((k) => k.kind === "Ingress" && (pipeline.conditions(k)?.length ?? 0) > 0));
    },
    envoyServiceChanged() {
      if (JSON.stringify(loadBalancer()) !== current) write(pipeline.servedIngresses());
    },
  };
}
