/**
 * A translator that remembers what it built: translating the next model reuses the Envoy message of
 * every model object (cluster, secret, host) and every endpoint set that did not change, so a change
 * to one of 10,000 Ingresses builds a handful of messages instead of 10,000, and the snapshot cache,
 * which reuses the encoding of a message it has seen, encodes and hashes only those. The output is
 * exactly translateModel's: the memo changes the cost, never the result.
 */
import type { V1EndpointSlice } from "@kubernetes/client-node";
import type { Cluster as EnvoyCluster } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import type { ClusterLoadAssignment } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import type { FilterChain } from "../gen/envoy/config/listener/v3/listener_components_pb.js";
import type { Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import type { VirtualHost as EnvoyVirtualHost } from "../gen/envoy/config/route/v3/route_components_pb.js";
import type { Secret } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import type { Cluster, Model, TlsSecret, VirtualHost } from "../../controllers/model/model.js";
import type { EnvoyResources } from "../resources.js";
import { translateCluster, translateClusters } from "./clusters.js";
import { edsNamesOf, translateEndpoints, type EndpointsMemo } from "./endpoints.js";
import type { SecureVirtualHost } from "./hosts.js";
import { secureHostChain, translateHttpListener, translateHttpsListener } from "./listeners.js";
import { resolveOptions, type TranslateOptions } from "./options.js";
import { compareStrings } from "./proto.js";
import { translateRouteConfigs, translateVirtualHost } from "./routes.js";
import { translateSecret, translateSecrets } from "./secrets.js";

/** Translation with memory of the previous run. */
export interface Translator {
  /** Everything: the same result as translateModel(model, endpoints, options). */
  translate(model: Model, endpoints: readonly V1EndpointSlice[]): EnvoyResources;
  /** Only the ClusterLoadAssignments, for a change that touched nothing but EndpointSlices. */
  translateEndpoints(model: Model, endpoints: readonly V1EndpointSlice[]): ClusterLoadAssignment[];
}

// Model objects are immutable and the store hands out the same object while it is unchanged, so
// identity is a sound key; WeakMaps let replaced objects and their messages be collected.
function memoize<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const memo = new WeakMap<K, V>();
  return (key) => {
    let value = memo.get(key);
    if (value === undefined) {
      value = fn(key);
      memo.set(key, value);
    }
    return value;
  };
}

/** Creates a translator for fixed options. */
export function createTranslator(options: TranslateOptions = {}): Translator {
  const resolved = resolveOptions(options);
  const cluster = memoize<Cluster, EnvoyCluster>(translateCluster);
  const secret = memoize<TlsSecret, Secret>(translateSecret);
  const httpHost = memoize<VirtualHost, EnvoyVirtualHost>((vhost) => translateVirtualHost(vhost, "http"));
  const httpsHost = memoize<VirtualHost, EnvoyVirtualHost>((vhost) => translateVirtualHost(vhost, "https"));
  const chain = memoize<SecureVirtualHost, FilterChain>((vhost) => secureHostChain(vhost, resolved));
  const endpointsMemo: EndpointsMemo = new Map();
  const httpListener = translateHttpListener(resolved);

  function endpoints(model: Model, slices: readonly V1EndpointSlice[]): ClusterLoadAssignment[] {
    const names = edsNamesOf(model);
    // Forget assignments no cluster refers to any more.
    const live = new Set(names);
    for (const name of endpointsMemo.keys()) if (!live.has(name)) endpointsMemo.delete(name);
    return translateEndpoints(names, slices, endpointsMemo);
  }

  return {
    translate(model, slices) {
      const https = translateHttpsListener(model, resolved, (vhost) => chain(vhost));
      const listeners: Listener[] = https === undefined ? [httpListener] : [httpListener, https];
      return {
        listeners: listeners.sort((a, b) => compareStrings(a.name, b.name)),
        routes: translateRouteConfigs(model, (vhost, listener) => (listener === "http" ? httpHost(vhost) : httpsHost(vhost))),
        clusters: translateClusters(model.clusters, cluster),
        endpoints: endpoints(model, slices),
        secrets: translateSecrets(model.secrets, secret),
      };
    },
    translateEndpoints: endpoints,
  };
}
