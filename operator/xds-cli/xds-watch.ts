// The xDS client behind `contour cli`: one single-type stream (as upstream's cli opens), SotW or delta,
// requests and responses printed as JSON, every response ACKed (or NACKed with --nack) so the server keeps
// sending updates.
import { readFileSync } from "node:fs";
import { create, toJsonString, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { createClient, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { fromBinary } from "@bufbuild/protobuf";
import { RouteConfigurationSchema } from "../../xds/gen/envoy/config/route/v3/route_pb.js";
import { ClusterDiscoveryService } from "../../xds/gen/envoy/service/cluster/v3/cds_pb.js";
import { AggregatedDiscoveryService } from "../../xds/gen/envoy/service/discovery/v3/ads_pb.js";
import {
  DeltaDiscoveryRequestSchema,
  DeltaDiscoveryResponseSchema,
  DiscoveryRequestSchema,
  DiscoveryResponseSchema,
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
  type DiscoveryRequest,
  type DiscoveryResponse,
} from "../../xds/gen/envoy/service/discovery/v3/discovery_pb.js";
import { EndpointDiscoveryService } from "../../xds/gen/envoy/service/endpoint/v3/eds_pb.js";
import { ListenerDiscoveryService } from "../../xds/gen/envoy/service/listener/v3/lds_pb.js";
import { RouteDiscoveryService } from "../../xds/gen/envoy/service/route/v3/rds_pb.js";
import { SecretDiscoveryService } from "../../xds/gen/envoy/service/secret/v3/sds_pb.js";
import { envoyRegistry } from "../../xds/gen/registry.js";
import { createAsyncQueue } from "../../xds/server/async-queue.js";
import { TypeUrl } from "../../xds/resources.js";
import { CLI_TYPES, type CliArgs, type CliType } from "./cli-args.js";

type SotwMethod = (requests: AsyncIterable<DiscoveryRequest>, options: { signal: AbortSignal }) => AsyncIterable<DiscoveryResponse>;
type DeltaMethod = (requests: AsyncIterable<DeltaDiscoveryRequest>, options: { signal: AbortSignal }) => AsyncIterable<DeltaDiscoveryResponse>;

/** Where the watch writes: JSON documents to `out`, progress lines to `log`. */
export interface WatchIo {
  out(text: string): void;
  log(line: string): void;
}

/** The certificate SAN the CLI checks, as upstream's cli does: contour's serving certificate names "contour". */
const SERVER_NAME = "contour";

/** Opens the transport `args` describe: gRPC over HTTP/2, mTLS when TLS files are given, else plaintext. */
export function cliTransport(args: Pick<CliArgs, "contour" | "tls">): Transport {
  if (args.tls === undefined) return createGrpcTransport({ baseUrl: `http://${args.contour}` });
  return createGrpcTransport({
    baseUrl: `https://${args.contour}`,
    nodeOptions: {
      ca: readFileSync(args.tls.caFile),
      cert: readFileSync(args.tls.certFile),
      key: readFileSync(args.tls.keyFile),
      servername: SERVER_NAME,
      minVersion: "TLSv1.2",
    },
    // Responses of big clusters are far beyond the 4 MiB default of most gRPC clients.
    readMaxBytes: 0x7fffffff,
  });
}

function methods(type: CliType, transport: Transport): { sotw: SotwMethod; delta: DeltaMethod } {
  switch (type) {
    case "lds": {
      const c = createClient(ListenerDiscoveryService, transport);
      return { sotw: c.streamListeners, delta: c.deltaListeners };
    }
    case "rds": {
      const c = createClient(RouteDiscoveryService, transport);
      return { sotw: c.streamRoutes, delta: c.deltaRoutes };
    }
    case "cds": {
      const c = createClient(ClusterDiscoveryService, transport);
      return { sotw: c.streamClusters, delta: c.deltaClusters };
    }
    case "eds": {
      const c = createClient(EndpointDiscoveryService, transport);
      return { sotw: c.streamEndpoints, delta: c.deltaEndpoints };
    }
    case "sds": {
      const c = createClient(SecretDiscoveryService, transport);
      return { sotw: c.streamSecrets, delta: c.deltaSecrets };
    }
  }
}

function json<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): string {
  return toJsonString(schema, message, { registry: envoyRegistry, useProtoFieldName: true, prettySpaces: 2 }) + "\n";
}

/** Watches until `signal` aborts (or, with `once`, the first response); resolves with the exit code. */
export async function watchXds(args: CliArgs, io: WatchIo, signal: AbortSignal, transport?: Transport): Promise<number> {
  const typeUrl = CLI_TYPES[args.type];
  const node = { id: args.nodeId };
  const nackDetail = { code: 3, message: "Told to create a NACK for testing" };
  // No names: everything. RDS, EDS and SDS have no legacy "empty list" wildcard, so ask with the explicit one.
  const names = args.resources.length > 0 ? [...args.resources] : ["*"];
  try {
    const connection = transport ?? cliTransport(args);
    const { sotw, delta } = methods(args.type, connection);
    let virtualHostsShown = false;
    if (args.delta) {
      const requests = createAsyncQueue<DeltaDiscoveryRequest>();
      const send = (request: DeltaDiscoveryRequest): void => (io.out(json(DeltaDiscoveryRequestSchema, request)), requests.push(request));
      send(create(DeltaDiscoveryRequestSchema, { typeUrl, node, resourceNamesSubscribe: names }));
      for await (const response of delta(requests, { signal })) {
        io.log(`received delta response: type ${response.typeUrl}, ${response.resources.length} resources, ${response.removedResources.length} removed, nonce ${response.nonce}`);
        io.out(json(DeltaDiscoveryResponseSchema, response));
        // Delta streams get the plain-HTTP route configuration naming its hosts through VHDS: show those hosts
        // too (once), so the output is the whole of what an Envoy on delta xDS routes with.
        if (!virtualHostsShown && namesVhds(response)) {
          virtualHostsShown = true;
          await showVirtualHosts(connection, node, io, signal);
        }
        if (args.once) break;
        send(create(DeltaDiscoveryRequestSchema, { typeUrl, node, responseNonce: response.nonce, ...(args.nack ? { errorDetail: nackDetail } : {}) }));
      }
      requests.close();
    } else {
      const requests = createAsyncQueue<DiscoveryRequest>();
      const send = (request: DiscoveryRequest): void => (io.out(json(DiscoveryRequestSchema, request)), requests.push(request));
      send(create(DiscoveryRequestSchema, { typeUrl, node, versionInfo: "0", resourceNames: names }));
      let version = "0";
      for await (const response of sotw(requests, { signal })) {
        io.log(`received response: type ${response.typeUrl}, version ${response.versionInfo}, ${response.resources.length} resources, nonce ${response.nonce}`);
        io.out(json(DiscoveryResponseSchema, response));
        if (args.once) break;
        // A NACK repeats the last accepted version; an ACK moves to the new one.
        if (!args.nack) version = response.versionInfo;
        send(create(DiscoveryRequestSchema, { typeUrl, node, versionInfo: version, resourceNames: names, responseNonce: response.nonce, ...(args.nack ? { errorDetail: nackDetail } : {}) }));
      }
      requests.close();
    }
    return 0;
  } catch (err) {
    if (signal.aborted) return 0;
    io.log(`contour cli: ${err instanceof Error ? err.message : String(err)} (contour at ${args.contour})`);
    return 1;
  }
}

function namesVhds(response: DeltaDiscoveryResponse): boolean {
  if (response.typeUrl !== TypeUrl.route) return false;
  return response.resources.some((r) => r.resource !== undefined && fromBinary(RouteConfigurationSchema, r.resource.value).vhds !== undefined);
}

// One VHDS request over ADS (Envoy asks for virtual hosts there, with a wildcard), its first answer printed.
async function showVirtualHosts(transport: Transport, node: { id: string }, io: WatchIo, signal: AbortSignal): Promise<void> {
  const ads = createClient(AggregatedDiscoveryService, transport);
  const requests = createAsyncQueue<DeltaDiscoveryRequest>();
  const request = create(DeltaDiscoveryRequestSchema, { typeUrl: TypeUrl.virtualHost, node, resourceNamesSubscribe: ["*"] });
  io.out(json(DeltaDiscoveryRequestSchema, request));
  requests.push(request);
  const done = new AbortController();
  const stop = (): void => done.abort();
  signal.addEventListener("abort", stop, { once: true });
  try {
    for await (const response of ads.deltaAggregatedResources(requests, { signal: done.signal })) {
      io.log(`received VHDS response: ${response.resources.length} virtual hosts, nonce ${response.nonce}`);
      io.out(json(DeltaDiscoveryResponseSchema, response));
      break;
    }
  } finally {
    signal.removeEventListener("abort", stop);
    requests.close();
    done.abort();
  }
}

/** The response documents in `contour cli` output: every JSON object printed, in order. */
export function splitJsonDocuments(text: string): unknown[] {
  // Each document is printed pretty with two-space indents, so a "}" alone at column 0 closes one.
  return text
    .split(/^\}$/m)
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => JSON.parse(part + "}") as unknown);
}
