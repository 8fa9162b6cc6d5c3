/**
 * Tracing of the HTTP connection manager (the config file's `tracing`), as upstream's TracingConfig
 * builds it: Envoy's OpenTelemetry tracer exporting spans over OTLP/gRPC to the ExtensionService's
 * cluster, with the service name, the sampling percentage, the longest http.url tag, upstream spans,
 * and custom tags (literals, request headers, and the pod's name and namespace from Envoy's environment).
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { OpenTelemetryConfigSchema } from "../gen/envoy/config/trace/v3/opentelemetry_pb.js";
import type { HttpConnectionManager_TracingSchema } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import type { CustomTagSchema } from "../gen/envoy/type/tracing/v3/custom_tag_pb.js";
import { EnvoyExtension } from "../names.js";
import { grpcServiceOf } from "./grpc-service.js";
import type { ResolvedOptions, TracingCustomTag } from "./options.js";
import { typed } from "./proto.js";

/** The tags upstream adds with includePodDetail: read from Envoy's environment (its pod sets both). */
const POD_DETAIL_TAGS: readonly MessageInitShape<typeof CustomTagSchema>[] = [
  { tag: "podName", type: { case: "environment", value: { name: "HOSTNAME" } } },
  { tag: "podNamespace", type: { case: "environment", value: { name: "CONTOUR_NAMESPACE" } } },
];

/** The HCM's `tracing`, or undefined without tracing (or while the collector's cluster is missing). */
export function translateTracing(options: Partial<Pick<ResolvedOptions, "tracing">>): MessageInitShape<typeof HttpConnectionManager_TracingSchema> | undefined {
  const tracing = options.tracing;
  if (tracing === null || tracing === undefined || tracing.call === undefined) return undefined;
  return {
    overallSampling: { value: tracing.overallSamplingPercent },
    maxPathTagLength: tracing.maxPathTagLength,
    customTags: [...(tracing.includePodDetail ? POD_DETAIL_TAGS : []), ...tracing.customTags.map(customTag)],
    provider: {
      name: EnvoyExtension.openTelemetryTracer,
      configType: {
        case: "typedConfig",
        // The export calls time out after the ExtensionService's timeoutPolicy.response, as upstream sets it.
        value: typed(OpenTelemetryConfigSchema, { grpcService: grpcServiceOf(tracing.call, tracing.call.timeoutMs), serviceName: tracing.serviceName }),
      },
    },
    spawnUpstreamSpan: true,
  };
}

function customTag(tag: TracingCustomTag): MessageInitShape<typeof CustomTagSchema> {
  if ("literal" in tag) return { tag: tag.tagName, type: { case: "literal", value: { value: tag.literal } } };
  return { tag: tag.tagName, type: { case: "requestHeader", value: { name: tag.requestHeaderName } } };
}
