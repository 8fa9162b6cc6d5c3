/**
 * Access logs of the HTTP connection managers and TCP proxies: one line per request (or
 * connection) on Envoy's stdout, where the container runtime collects it.
 */
import { create } from "@bufbuild/protobuf";
import type { JsonObject, MessageInitShape } from "@bufbuild/protobuf";
import type { AccessLog } from "../gen/envoy/config/accesslog/v3/accesslog_pb.js";
import { AccessLogSchema } from "../gen/envoy/config/accesslog/v3/accesslog_pb.js";
import { FileAccessLogSchema } from "../gen/envoy/extensions/access_loggers/file/v3/file_pb.js";
import { EnvoyExtension } from "../names.js";
import type { AccessLogFormat } from "./options.js";
import { typed } from "./proto.js";

/**
 * Fields of the JSON access log: upstream Contour's default field set, so dashboards and log
 * pipelines written for it keep working.
 */
const JSON_FIELDS: JsonObject = {
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
  upstream_cluster: "%UPSTREAM_CLUSTER%",
  upstream_host: "%UPSTREAM_HOST%",
  upstream_local_address: "%UPSTREAM_LOCAL_ADDRESS%",
  upstream_service_time: "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%",
  user_agent: "%REQ(USER-AGENT)%",
  x_forwarded_for: "%REQ(X-FORWARDED-FOR)%",
};

/** The access log list of an HCM or TCP proxy: empty when logging is off. */
export function translateAccessLog(format: AccessLogFormat): AccessLog[] {
  if (format === "off") return [];
  const file: MessageInitShape<typeof FileAccessLogSchema> =
    format === "json" ? { accessLogFormat: { case: "logFormat", value: { format: { case: "jsonFormat", value: JSON_FIELDS } } } } : {};
  return [
    create(AccessLogSchema, {
      name: EnvoyExtension.fileAccessLog,
      configType: { case: "typedConfig", value: typed(FileAccessLogSchema, { path: "/dev/stdout", ...file }) },
    }),
  ];
}
