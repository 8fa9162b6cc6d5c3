// gRPC server metrics under the names upstream Contour exports through go-grpc-prometheus:
// grpc_server_started_total, grpc_server_handled_total, grpc_server_msg_received_total and
// grpc_server_msg_sent_total, labelled grpc_type, grpc_service, grpc_method (and grpc_code). As a Connect
// interceptor, so the xDS server needs no knowledge of them.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { Counter, type Registry } from "prom-client";

type Labels = { grpc_type: string; grpc_service: string; grpc_method: string };

// go-grpc-prometheus writes grpc_type as unary, client_stream, server_stream or bidi_stream.
const GRPC_TYPES: Readonly<Record<string, string>> = { unary: "unary", server_streaming: "server_stream", client_streaming: "client_stream", bidi_streaming: "bidi_stream" };

/** The name grpc-go gives a status code: OK, Canceled, Unknown, InvalidArgument, … */
export function grpcCodeName(code: Code | undefined): string {
  if (code === undefined) return "OK";
  const name = Code[code];
  return name === undefined ? "Unknown" : name;
}

/** An interceptor counting every call and message of the server it is given to. */
export function createGrpcServerMetrics(registry: Registry): Interceptor {
  const labelNames = ["grpc_type", "grpc_service", "grpc_method"] as const;
  const registers = [registry];
  const started = new Counter({ name: "grpc_server_started_total", help: "Total number of RPCs started on the server.", labelNames, registers });
  const handled = new Counter({
    name: "grpc_server_handled_total",
    help: "Total number of RPCs completed on the server, regardless of success or failure.",
    labelNames: [...labelNames, "grpc_code"],
    registers,
  });
  const received = new Counter({ name: "grpc_server_msg_received_total", help: "Total number of RPC stream messages received on the server.", labelNames, registers });
  const sent = new Counter({ name: "grpc_server_msg_sent_total", help: "Total number of gRPC stream messages sent by the server.", labelNames, registers });

  return (next) => async (req) => {
    const labels: Labels = { grpc_type: GRPC_TYPES[req.method.methodKind] ?? "unary", grpc_service: req.service.typeName, grpc_method: req.method.name };
    started.inc(labels);
    let done = false;
    const finish = (err: unknown): void => {
      if (done) return;
      done = true;
      handled.inc({ ...labels, grpc_code: err === undefined ? (req.signal.aborted ? "Canceled" : "OK") : grpcCodeName(ConnectError.from(err).code) });
    };
    try {
      if (!req.stream) {
        received.inc(labels);
        const res = await next(req);
        sent.inc(labels);
        finish(undefined);
        return res;
      }
      const res = await next({ ...req, message: countMessages(req.message, () => received.inc(labels)) });
      if (!res.stream) {
        sent.inc(labels);
        finish(undefined);
        return res;
      }
      return { ...res, message: countMessages(res.message, () => sent.inc(labels), finish) };
    } catch (err) {
      finish(err);
      throw err;
    }
  };
}

async function* countMessages<T>(messages: AsyncIterable<T>, onMessage: () => void, onEnd?: (err: unknown) => void): AsyncIterable<T> {
  let failure: unknown;
  try {
    for await (const message of messages) {
      onMessage();
      yield message;
    }
  } catch (err) {
    failure = err;
    throw err;
  } finally {
    // Also reached when the consumer stops early (the client went away): counted then as Canceled.
    onEnd?.(failure);
  }
}
