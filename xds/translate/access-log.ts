/**
 * Access logs of the HTTP connection managers and TCP proxies: one line per request (or
 * connection) on Envoy's stdout, where the container runtime collects it. Envoy's text line or a
 * custom format string, or JSON with upstream Contour's default fields (or the operator's), and
 * optionally only responses of 300 and above (`error`) or 500 and above (`critical`), as upstream.
 */
import { create } from "@bufbuild/protobuf";
import type { JsonObject, MessageInitShape } from "@bufbuild/protobuf";
import type { AccessLog, AccessLogFilterSchema } from "../gen/envoy/config/accesslog/v3/accesslog_pb.js";
import { AccessLogSchema, ComparisonFilter_Op } from "../gen/envoy/config/accesslog/v3/accesslog_pb.js";
import { FileAccessLogSchema } from "../gen/envoy/extensions/access_loggers/file/v3/file_pb.js";
import { EnvoyExtension } from "../names.js";
import type { ResolvedOptions } from "./options.js";
import { typed } from "./proto.js";

/**
 * Fields of the JSON access log: upstream Contour's default field set, so dashboards and log
 * pipelines written for it keep working.
 */
export const DEFAULT_JSON_FIELDS: Readonly<Record<string, string>> = {
  "@timestamp": "%START_TIME%",
  authority: "%REQ(:AUTHORITY)%",
  bytes_received: "%BYTES_RECEIVED%",
  bytes_sent: "%BYTES_SENT%",
  downstream_local_address: "%DOWNSTREAM_LOCAL_ADDRESS%",
  downstream_remote_address: "%DOWNSTREAM_REMOTE_ADDRESS%",
  duration: "%DURATION%",
  method: "%REQ(:METHOD)%",
  path: "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
  protocol: "%PROTOCOL%",
  request_id: "%REQ(X-REQUEST-ID)%",
  requested_server_name: "%REQUESTED_SERVER_NAME%",
  response_code: "%RESPONSE_CODE%",
  response_flags: "%RESPONSE_FLAGS%",
  uber_trace_id: "%REQ(UBER-TRACE-ID)%",
  upstream_cluster: "%UPSTREAM_CLUSTER%",
  upstream_host: "%UPSTREAM_HOST%",
  upstream_local_address: "%UPSTREAM_LOCAL_ADDRESS%",
  upstream_service_time: "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%",
  user_agent: "%REQ(USER-AGENT)%",
  x_forwarded_for: "%REQ(X-FORWARDED-FOR)%",
  grpc_status: "%GRPC_STATUS%",
  grpc_status_number: "%GRPC_STATUS_NUMBER%",
};

/** Lowest response code logged at each level (upstream's filterOnlyErrors). */
const MIN_STATUS: Readonly<Record<"error" | "critical", number>> = { error: 300, critical: 500 };

function levelFilter(level: ResolvedOptions["accessLogLevel"]): MessageInitShape<typeof AccessLogFilterSchema> | undefined {
  if (level === "info") return undefined;
  return {
    filterSpecifier: {
      case: "statusCodeFilter",
      value: { comparison: { op: ComparisonFilter_Op.GE, value: { defaultValue: MIN_STATUS[level], runtimeKey: "contour.accesslog.min_status_code" } } },
    },
  };
}

/** The access log list of an HCM or TCP proxy: empty when logging is off. */
export function translateAccessLog(options: Pick<ResolvedOptions, "accessLog" | "accessLogLevel" | "accessLogFormatString" | "accessLogJsonFields">): AccessLog[] {
  if (options.accessLog === "off") return [];
  let file: MessageInitShape<typeof FileAccessLogSchema> = {};
  if (options.accessLog === "json") {
    const fields: JsonObject = { ...(options.accessLogJsonFields ?? DEFAULT_JSON_FIELDS) };
    // As upstream: a field with nothing to say is left out rather than logged as "-".
    file = { accessLogFormat: { case: "logFormat", value: { format: { case: "jsonFormat", value: fields }, omitEmptyValues: true } } };
  } else if (options.accessLogFormatString !== null) {
    const text = options.accessLogFormatString;
    file = { accessLogFormat: { case: "logFormat", value: { format: { case: "textFormatSource", value: { specifier: { case: "inlineString", value: text } } } } } };
  }
  const filter = levelFilter(options.accessLogLevel);
  return [
    create(AccessLogSchema, {
      name: EnvoyExtension.fileAccessLog,
      ...(filter === undefined ? {} : { filter }),
      configType: { case: "typedConfig", value: typed(FileAccessLogSchema, { path: "/dev/stdout", ...file }) },
    }),
  ];
}
