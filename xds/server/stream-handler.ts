// Runs one protocol state machine on one Connect stream: requests and snapshots in, responses
// out, with logs and metrics. The protocol itself lives in sotw-stream.ts and delta-stream.ts.
import type Logger from "bunyan";
import type { SnapshotCache } from "../cache/snapshot-cache.js";
import type { Snapshot } from "../cache/snapshot.js";
import { typeNameOf } from "../cache/resource-types.js";
import { createAsyncQueue } from "./async-queue.js";
import type { XdsMetrics } from "./metrics.js";
import type { AckEvent, NackEvent, StreamEvent, StreamStep } from "./stream-events.js";

/** An ACK or NACK as a stream saw it, with the Envoy that sent it. */
export interface XdsOutcome {
  readonly node: string;
  readonly streamId: number;
  readonly event: AckEvent | NackEvent;
}

/** What every stream of a server shares. */
export interface StreamDeps {
  readonly cache: SnapshotCache;
  readonly metrics: XdsMetrics;
  readonly logger: Logger;
  /** Told of every ACK and NACK (e.g. to quarantine what Envoy rejected); must not throw. */
  readonly onOutcome?: ((outcome: XdsOutcome) => void) | undefined;
}

/** A protocol state machine as the handler drives it. */
export interface StreamMachine<Request, Response> {
  handleRequest(request: Request): StreamStep<Response>;
  handleSnapshot(snapshot: Snapshot): StreamStep<Response>;
  nodeId(): string;
}

/** A stream as the server lists it. */
export interface XdsStreamInfo {
  readonly id: number;
  readonly kind: "sotw" | "delta";
  /** Envoy's node id; empty until its first request. */
  readonly node: string;
}

/** Options of runStream. */
export interface RunStreamOptions<Request, Response> {
  readonly id: number;
  readonly kind: "sotw" | "delta";
  readonly machine: StreamMachine<Request, Response>;
  readonly requests: AsyncIterable<Request>;
  /** Aborted when the client goes away or the server shuts down. */
  readonly signal: AbortSignal;
  readonly deps: StreamDeps;
  /** Encoded size of a response, for contour_xds_push_bytes_total. */
  readonly sizeOf: (response: Response) => number;
  /** Called once when the stream ends, however it ends. */
  readonly onClose?: () => void;
}

/**
 * The responses of one xDS stream. The stream ends only when the client ends or cancels it, or
 * the server shuts down; everything it subscribed to is released then.
 */
export async function* runStream<Request, Response>(options: RunStreamOptions<Request, Response>): AsyncGenerator<Response> {
  const { machine, deps, kind, signal } = options;
  const queue = createAsyncQueue<Response>();
  let log = deps.logger.child({ streamId: options.id, kind });
  let node = "";
  const warnedTypes = new Set<string>();

  const report = (event: StreamEvent, response: Response | undefined): void => {
    const type = typeNameOf(event.typeUrl);
    switch (event.kind) {
      case "push": {
        const bytes = response === undefined ? 0 : options.sizeOf(response);
        deps.metrics.pushes.inc({ type });
        deps.metrics.pushBytes.inc({ type }, bytes);
        log.debug({ type, version: event.version, nonce: event.nonce, resources: event.resources, removed: event.removed, bytes }, "xDS response sent");
        return;
      }
      case "ack":
        log.debug({ type, version: event.version, nonce: event.nonce }, "xDS response accepted");
        deps.onOutcome?.({ node, streamId: options.id, event });
        return;
      case "nack":
        deps.metrics.nacks.inc({ type });
        deps.onOutcome?.({ node, streamId: options.id, event });
        log.error(
          { type, version: event.version, acceptedVersion: event.acceptedVersion, nonce: event.nonce, envoyError: event.message },
          `Envoy rejected ${type} version ${event.version}: ${event.message}`,
        );
        return;
      case "stale-nonce":
        log.debug({ type, nonce: event.nonce }, "ignored request answering a superseded response");
        return;
      case "unknown-type":
        if (!warnedTypes.has(event.typeUrl)) log.warn({ typeUrl: event.typeUrl }, "Envoy asked for a resource type this server does not serve");
        warnedTypes.add(event.typeUrl);
        return;
    }
  };

  const emit = (step: StreamStep<Response>): void => {
    if (node === "" && machine.nodeId() !== "") {
      node = machine.nodeId();
      log = log.child({ node });
      log.info("xDS stream opened");
    }
    let next = 0;
    for (const event of step.events) {
      // Push events pair with responses, in order.
      const response = event.kind === "push" ? step.responses[next++] : undefined;
      report(event, response);
    }
    for (const response of step.responses) queue.push(response);
  };

  const guarded = (work: () => void): void => {
    try {
      work();
    } catch (err) {
      // A bug in the state machine: end this stream (Envoy reconnects) rather than serve a guess.
      log.error({ err }, "xDS stream failed");
      queue.fail(err);
    }
  };

  deps.metrics.streams.inc({ kind });
  const current = deps.cache.current();
  if (current !== undefined) guarded(() => emit(machine.handleSnapshot(current)));
  const unsubscribe = deps.cache.subscribe((snapshot) => guarded(() => emit(machine.handleSnapshot(snapshot))));
  const onAbort = (): void => queue.close();
  signal.addEventListener("abort", onAbort);

  void (async () => {
    try {
      for await (const request of options.requests) {
        if (queue.closed) break;
        if (log.debug()) log.debug({ request: describeRequest(request) }, "xDS request");
        guarded(() => emit(machine.handleRequest(request)));
      }
    } catch (err) {
      if (!signal.aborted) log.debug({ err }, "xDS stream request side failed");
    } finally {
      queue.close();
    }
  })();

  try {
    yield* queue;
  } finally {
    unsubscribe();
    signal.removeEventListener("abort", onAbort);
    deps.metrics.streams.dec({ kind });
    log.info("xDS stream closed");
    options.onClose?.();
  }
}

/** A request's type and (the first few) names, for debug logs. */
function describeRequest(request: unknown): Record<string, unknown> {
  const r = request as { typeUrl?: string; resourceNames?: string[]; resourceNamesSubscribe?: string[]; resourceNamesUnsubscribe?: string[]; responseNonce?: string };
  const few = (names: string[] | undefined) => (names === undefined || names.length === 0 ? undefined : names.slice(0, 5));
  return { type: typeNameOf(r.typeUrl ?? ""), nonce: r.responseNonce, names: few(r.resourceNames), subscribe: few(r.resourceNamesSubscribe), unsubscribe: few(r.resourceNamesUnsubscribe) };
}
