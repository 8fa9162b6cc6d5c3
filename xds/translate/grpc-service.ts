/** The GrpcService of an ExtensionService call: Envoy's own gRPC client on the extension cluster. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { GrpcServiceSchema } from "../gen/envoy/config/core/v3/grpc_service_pb.js";
import type { ExtensionCall } from "./options.js";

/** Upstream's grpcService: cluster and authority, no per-call timeout (the filter's own applies). */
export function grpcServiceOf(call: ExtensionCall): MessageInitShape<typeof GrpcServiceSchema> {
  return { targetSpecifier: { case: "envoyGrpc", value: { clusterName: call.cluster, authority: call.authority } } };
}
