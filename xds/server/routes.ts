// The gRPC services the xDS server answers: ADS (both protocols) and the single-type services.
import type { ConnectRouter } from "@connectrpc/connect";
import { ClusterDiscoveryService } from "../gen/envoy/service/cluster/v3/cds_pb.js";
import { AggregatedDiscoveryService } from "../gen/envoy/service/discovery/v3/ads_pb.js";
import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse, DiscoveryRequest, DiscoveryResponse } from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import { EndpointDiscoveryService } from "../gen/envoy/service/endpoint/v3/eds_pb.js";
import { ListenerDiscoveryService } from "../gen/envoy/service/listener/v3/lds_pb.js";
import { RouteDiscoveryService } from "../gen/envoy/service/route/v3/rds_pb.js";
import { SecretDiscoveryService } from "../gen/envoy/service/secret/v3/sds_pb.js";
import { TypeUrl } from "../resources.js";
import { createDeltaStream } from "./delta-stream.js";
import { deltaDiscoveryResponseSize, discoveryResponseSize } from "./encoded-size.js";
import { createSotwStream } from "./sotw-stream.js";
import { runStream, type StreamDeps, type XdsStreamInfo } from "./stream-handler.js";

type SotwMethod = (requests: AsyncIterable<DiscoveryRequest>, context: { signal: AbortSignal }) => AsyncIterable<DiscoveryResponse>;
type DeltaMethod = (requests: AsyncIterable<DeltaDiscoveryRequest>, context: { signal: AbortSignal }) => AsyncIterable<DeltaDiscoveryResponse>;

/** A live stream as the server tracks it. */
export interface OpenStream {
  readonly id: number;
  readonly kind: XdsStreamInfo["kind"];
  nodeId(): string;
}

/** The live streams of a server, for listing. */
export interface StreamRegistry {
  readonly open: Map<number, OpenStream>;
  nextId(): number;
}

/** Registers ADS and the CDS/EDS/LDS/RDS/SDS services, all served from the same snapshot cache. */
export function registerXdsRoutes(router: ConnectRouter, deps: StreamDeps, registry: StreamRegistry): void {
  const sotw = (defaultTypeUrl?: string): SotwMethod => (requests, context) => {
    const id = registry.nextId();
    const machine = createSotwStream({ defaultTypeUrl });
    registry.open.set(id, { id, kind: "sotw", nodeId: () => machine.nodeId() });
    return runStream({ id, kind: "sotw", machine, requests, signal: context.signal, deps, sizeOf: discoveryResponseSize, onClose: () => registry.open.delete(id) });
  };
  const delta = (defaultTypeUrl?: string): DeltaMethod => (requests, context) => {
    const id = registry.nextId();
    const machine = createDeltaStream({ defaultTypeUrl });
    registry.open.set(id, { id, kind: "delta", nodeId: () => machine.nodeId() });
    return runStream({ id, kind: "delta", machine, requests, signal: context.signal, deps, sizeOf: deltaDiscoveryResponseSize, onClose: () => registry.open.delete(id) });
  };
  router.service(AggregatedDiscoveryService, { streamAggregatedResources: sotw(), deltaAggregatedResources: delta() });
  router.service(ClusterDiscoveryService, { streamClusters: sotw(TypeUrl.cluster), deltaClusters: delta(TypeUrl.cluster) });
  router.service(EndpointDiscoveryService, { streamEndpoints: sotw(TypeUrl.endpoint), deltaEndpoints: delta(TypeUrl.endpoint) });
  router.service(ListenerDiscoveryService, { streamListeners: sotw(TypeUrl.listener), deltaListeners: delta(TypeUrl.listener) });
  router.service(RouteDiscoveryService, { streamRoutes: sotw(TypeUrl.route), deltaRoutes: delta(TypeUrl.route) });
  router.service(SecretDiscoveryService, { streamSecrets: sotw(TypeUrl.secret), deltaSecrets: delta(TypeUrl.secret) });
}
