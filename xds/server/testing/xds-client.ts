// A real gRPC xDS client (grpc-js + the generated schemas) for feature tests and the benchmark.
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import grpc from "@grpc/grpc-js";
import {
  type DeltaDiscoveryRequest,
  DeltaDiscoveryRequestSchema,
  type DeltaDiscoveryResponse,
  DeltaDiscoveryResponseSchema,
  type DiscoveryRequest,
  DiscoveryRequestSchema,
  type DiscoveryResponse,
  DiscoveryResponseSchema,
} from "../../gen/envoy/service/discovery/v3/discovery_pb.js";

/** Client TLS material; omit cert/key to connect without a client certificate. */
export interface ClientTls {
  readonly ca: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** The name to verify the server certificate against; default localhost. */
  readonly servername?: string;
}

/** One bidi xDS stream as a test sees it. */
export interface XdsCall<Request, Response> {
  send(request: Request): void;
  /** The next response not yet taken; rejects on timeout or when the stream fails or ends first. */
  next(timeoutMs?: number): Promise<Response>;
  /** Resolves when the stream ends: with the gRPC status error, or undefined for a clean end. */
  readonly ended: Promise<grpc.ServiceError | undefined>;
  /** Responses received and not yet taken by next(). */
  pending(): number;
  cancel(): void;
  /** Half-closes the request side. */
  end(): void;
}

/** A gRPC connection to an xDS server. */
export interface XdsTestClient {
  /** A StreamAggregatedResources (SotW ADS) stream. */
  sotw(): XdsCall<DiscoveryRequest, DiscoveryResponse>;
  /** A DeltaAggregatedResources stream. */
  delta(): XdsCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse>;
  /** A single-type SotW stream, e.g. ("envoy.service.cluster.v3.ClusterDiscoveryService", "StreamClusters"). */
  sotwService(service: string, method: string): XdsCall<DiscoveryRequest, DiscoveryResponse>;
  close(): void;
}

const ADS = "/envoy.service.discovery.v3.AggregatedDiscoveryService";

/** Connects to `target` (host:port) over TLS when `tls` is given, else plaintext. */
export function createXdsTestClient(target: string, tls?: ClientTls): XdsTestClient {
  const credentials = tls === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(tls.ca, tls.key ?? null, tls.cert ?? null);
  const client = new grpc.Client(target, credentials, {
    // Responses with 10,000 clusters are far beyond grpc-js's 4 MiB default.
    "grpc.max_receive_message_length": -1,
    "grpc.max_send_message_length": -1,
    // The server certificate names localhost (and 127.0.0.1); SNI must be a name, not an IP.
    ...(tls === undefined ? {} : { "grpc.ssl_target_name_override": tls.servername ?? "localhost" }),
  });
  const open = <Req, Res>(path: string, encode: (r: Req) => Uint8Array, decode: (b: Uint8Array) => Res): XdsCall<Req, Res> =>
    wrap(client.makeBidiStreamRequest<Req, Res>(path, (r) => Buffer.from(encode(r)), (b) => decode(b)));
  const sotwCall = (path: string): XdsCall<DiscoveryRequest, DiscoveryResponse> =>
    open(path, (r: DiscoveryRequest) => toBinary(DiscoveryRequestSchema, r), (b) => fromBinary(DiscoveryResponseSchema, b));
  return {
    sotw: () => sotwCall(`${ADS}/StreamAggregatedResources`),
    delta: () =>
      open(`${ADS}/DeltaAggregatedResources`, (r: DeltaDiscoveryRequest) => toBinary(DeltaDiscoveryRequestSchema, r), (b) => fromBinary(DeltaDiscoveryResponseSchema, b)),
    sotwService: (service, method) => sotwCall(`/${service}/${method}`),
    close: () => client.close(),
  };
}

function wrap<Req, Res>(call: grpc.ClientDuplexStream<Req, Res>): XdsCall<Req, Res> {
  const received: Res[] = [];
  let waiter: (() => void) | undefined;
  let finished: { err: grpc.ServiceError | undefined } | undefined;
  let resolveEnded: (err: grpc.ServiceError | undefined) => void = () => {};
  const ended = new Promise<grpc.ServiceError | undefined>((resolve) => (resolveEnded = resolve));
  const finish = (err: grpc.ServiceError | undefined): void => {
    if (finished !== undefined) return;
    finished = { err };
    resolveEnded(err);
    waiter?.();
  };
  call.on("data", (response: Res) => {
    received.push(response);
    waiter?.();
  });
  call.on("error", (err: grpc.ServiceError) => finish(err));
  call.on("end", () => finish(undefined));
  return {
    send: (request) => void call.write(request),
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const response = received.shift();
        if (response !== undefined) return response;
        if (finished !== undefined) throw new Error(`xDS stream ended before a response: ${finished.err?.message ?? "clean end"}`);
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error(`no xDS response within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, remaining);
          waiter = () => {
            clearTimeout(timer);
            waiter = undefined;
            resolve();
          };
        });
      }
    },
    ended,
    pending: () => received.length,
    cancel: () => call.cancel(),
    end: () => call.end(),
  };
}
