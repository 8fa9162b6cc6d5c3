/**
 * The whole translation: routing model plus EndpointSlices in, a complete, self-consistent set of
 * Envoy resources out (every RDS, EDS and SDS name referenced is also emitted). Pure and total.
 */
import type { V1EndpointSlice } from "@kubernetes/client-node";
import type { Listener } from "../gen/envoy/config/listener/v3/listener_pb.js";
import type { Model } from "../../controllers/model/model.js";
import type { EnvoyResources } from "../resources.js";
import { translateCluster, translateClusters } from "./clusters.js";
import { edsNamesOf, extensionMembersOf, translateEndpoints } from "./endpoints.js";
import { translateHttpListener, translateHttpsListener } from "./listeners.js";
import type { TranslateOptions } from "./options.js";
import { resolveOptions } from "./options.js";
import { resolveExtensionCalls } from "./extension-calls.js";
import { compareStrings } from "./proto.js";
import { translateRouteConfigs, translateVhds, translateVirtualHost, vhdsVirtualHost } from "./routes.js";
import { translateSecrets } from "./secrets.js";
import { translateGatewayListener } from "./gateway-listeners.js";
import { dnsNameClustersOf, translateDnsNameCluster } from "./jwt-authn.js";

/** Translates a model and the cluster's EndpointSlices into Envoy resources, every list sorted by name. */
export function translateModel(model: Model, endpoints: readonly V1EndpointSlice[], options: TranslateOptions = {}): EnvoyResources {
  // The rate limit service and trace collector are ExtensionServices: their calls need their clusters.
  const resolved = resolveExtensionCalls(resolveOptions(options), model.clusters);
  const https = translateHttpsListener(model, resolved);
  const listeners: Listener[] = https === undefined ? [translateHttpListener(resolved, model.globalAuthorization)] : [translateHttpListener(resolved, model.globalAuthorization), https];
  const routes = translateRouteConfigs(model, (vhost, listener) => translateVirtualHost(vhost, listener, resolved));
  const vhds = translateVhds(model, routes, (v) => vhdsVirtualHost(translateVirtualHost(v, "http", resolved)));
  for (const gl of model.gatewayListeners ?? []) {
    const built = translateGatewayListener(gl, resolved);
    listeners.push(...built.listeners);
    routes.push(...built.routes);
  }
  routes.sort((a, b) => compareStrings(a.name, b.name));
  return {
    listeners: listeners.sort((a, b) => compareStrings(a.name, b.name)),
    routes,
    clusters: [...translateClusters(model.clusters, (c) => translateCluster(c, resolved)), ...dnsNameClustersOf(model).map((c) => translateDnsNameCluster(c, resolved))].sort((a, b) => compareStrings(a.name, b.name)),
    endpoints: translateEndpoints(edsNamesOf(model), endpoints, undefined, extensionMembersOf(model)),
    secrets: translateSecrets(model.secrets),
    ...vhds,
  };
}
