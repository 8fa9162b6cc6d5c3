// EndpointSlices by the Service they belong to, kept as informer events arrive, so that a slice
// change names the one Service whose ClusterLoadAssignments must be built again.
import type { V1EndpointSlice } from "@kubernetes/client-node";
import type { EndpointSource } from "../../xds/translate/index.js";

/** The label naming the Service an EndpointSlice belongs to. */
const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/** EndpointSlices indexed by `<namespace>/<service>`. */
export interface EndpointIndex extends EndpointSource {
  /** Records an added, updated or deleted slice; returns the Services whose slices changed (at most two: a relabelled slice moves). */
  apply(event: "add" | "update" | "delete", slice: V1EndpointSlice): string[];
}

/** Creates an empty index. */
export function createEndpointIndex(): EndpointIndex {
  // Service key → slice name → slice, and the array handed out per Service (replaced on change, so
  // an unchanged Service keeps handing out the same array and its assignments are reused).
  const byService = new Map<string, Map<string, V1EndpointSlice>>();
  const arrays = new Map<string, readonly V1EndpointSlice[]>();
  const serviceOfSlice = new Map<string, string>();

  function serviceKeyOf(slice: V1EndpointSlice): string | undefined {
    const namespace = slice.metadata?.namespace;
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    return namespace && service ? `${namespace}/${service}` : undefined;
  }

  function drop(sliceKey: string, name: string): string | undefined {
    const service = serviceOfSlice.get(sliceKey);
    if (service === undefined) return undefined;
    serviceOfSlice.delete(sliceKey);
    const slices = byService.get(service);
    slices?.delete(name);
    if (slices?.size === 0) byService.delete(service);
    arrays.delete(service);
    return service;
  }

  return {
    apply(event, slice) {
      const name = slice.metadata?.name ?? "";
      const sliceKey = `${slice.metadata?.namespace ?? ""}/${name}`;
      const touched = new Set<string>();
      const before = drop(sliceKey, name);
      if (before !== undefined) touched.add(before);
      const service = event === "delete" ? undefined : serviceKeyOf(slice);
      if (service !== undefined) {
        let slices = byService.get(service);
        if (slices === undefined) byService.set(service, (slices = new Map()));
        slices.set(name, slice);
        serviceOfSlice.set(sliceKey, service);
        arrays.delete(service);
        touched.add(service);
      }
      return [...touched];
    },
    slicesOf(namespace, service) {
      const key = `${namespace}/${service}`;
      let array = arrays.get(key);
      if (array === undefined) {
        const slices = byService.get(key);
        if (slices === undefined) return [];
        array = [...slices.values()];
        arrays.set(key, array);
      }
      return array;
    },
    all() {
      const out: V1EndpointSlice[] = [];
      for (const slices of byService.values()) out.push(...slices.values());
      return out;
    },
  };
}
