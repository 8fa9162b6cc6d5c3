/** The GrpcService of an ExtensionService call: Envoy's own gRPC client on the extension cluster. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { GrpcServiceSchema } from "../gen/envoy/config/core/v3/grpc_service_pb.js";
import type { ExtensionCall } from "./options.js";
import { durationFromMs } from "./proto.js";

/** Upstream's grpcService: cluster and authority, and a per-call timeout only where the caller gives one. */
export function grpcServiceOf(call: ExtensionCall, timeoutMs: number | null = null): MessageInitShape<typeof GrpcServiceSchema> {
  return {
    targetSpecifier: { case: "envoyGrpc", value: { clusterName: call.cluster, authority: call.authority } },
    ...(timeoutMs === null ? {} : { timeout: durationFromMs(timeoutMs) }),
  };
}
