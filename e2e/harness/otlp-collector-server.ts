// A standalone OTLP/gRPC trace receiver: `node otlp-collector-server.js <address>` serves
// opentelemetry.proto.collector.trace.v1.TraceService/Export on <address>, a free port, over cleartext
// HTTP/2 (what an ExtensionService of protocol h2c reaches), prints `{"port":…}` then `ready`, and one
// line `{"span":…}` per span received. Runs inside the pod network namespace, like backend-server.js.
import process from "node:process";
import * as grpc from "@grpc/grpc-js";
import { decodeExportTraceRequest, type ReceivedSpan } from "./otlp-trace-decode.js";

/** The method Envoy's OpenTelemetry tracer calls. */
export const EXPORT_METHOD = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

const service: grpc.ServiceDefinition = {
  Export: {
    path: EXPORT_METHOD,
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => decodeExportTraceRequest(bytes),
    // ExportTraceServiceResponse with no partial_success: the empty message.
    responseSerialize: () => Buffer.alloc(0),
    responseDeserialize: (bytes: Buffer) => bytes,
  },
};

function main(): void {
  const [address] = process.argv.slice(2);
  if (address === undefined) {
    process.stderr.write("usage: otlp-collector-server <address>\n");
    process.exit(2);
  }
  const server = new grpc.Server();
  server.addService(service, {
    Export: (call: grpc.ServerUnaryCall<ReceivedSpan[], Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      for (const span of call.request) process.stdout.write(`${JSON.stringify({ span })}\n`);
      callback(null, Buffer.alloc(0));
    },
  });
  server.bindAsync(`${address}:0`, grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err !== null) {
      process.stderr.write(`cannot listen on ${address}: ${err.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`${JSON.stringify({ port })}\nready\n`);
  });
}

main();
