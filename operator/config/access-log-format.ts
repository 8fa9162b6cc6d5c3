// Upstream's checks of `accesslog-format-string` and `json-fields`: only Envoy command operators
// upstream knows, so a typo is an error at startup rather than a listener Envoy refuses.

/** Operators without arguments that upstream Contour accepts (apis/.../accesslog.go). */
const SIMPLE = new Set(
  (
    "BYTES_RECEIVED BYTES_SENT CONNECTION_ID CONNECTION_TERMINATION_DETAILS DOWNSTREAM_DIRECT_REMOTE_ADDRESS " +
    "DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT DOWNSTREAM_DIRECT_REMOTE_PORT DOWNSTREAM_HEADER_BYTES_RECEIVED " +
    "DOWNSTREAM_HEADER_BYTES_SENT DOWNSTREAM_LOCAL_ADDRESS DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT DOWNSTREAM_LOCAL_PORT " +
    "DOWNSTREAM_LOCAL_SUBJECT DOWNSTREAM_LOCAL_URI_SAN DOWNSTREAM_PEER_CERT DOWNSTREAM_PEER_CERT_V_END " +
    "DOWNSTREAM_PEER_CERT_V_START DOWNSTREAM_PEER_FINGERPRINT_1 DOWNSTREAM_PEER_FINGERPRINT_256 DOWNSTREAM_PEER_ISSUER " +
    "DOWNSTREAM_PEER_SERIAL DOWNSTREAM_PEER_SUBJECT DOWNSTREAM_PEER_URI_SAN DOWNSTREAM_REMOTE_ADDRESS " +
    "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT DOWNSTREAM_REMOTE_PORT DOWNSTREAM_TLS_CIPHER DOWNSTREAM_TLS_SESSION_ID " +
    "DOWNSTREAM_TLS_VERSION DOWNSTREAM_WIRE_BYTES_RECEIVED DOWNSTREAM_WIRE_BYTES_SENT DURATION FILTER_CHAIN_NAME " +
    "GRPC_STATUS GRPC_STATUS_NUMBER HOSTNAME LOCAL_REPLY_BODY PROTOCOL REQUEST_HEADERS_BYTES REQUESTED_SERVER_NAME " +
    "REQUEST_DURATION REQUEST_TX_DURATION RESPONSE_CODE RESPONSE_CODE_DETAILS RESPONSE_DURATION RESPONSE_FLAGS " +
    "RESPONSE_HEADERS_BYTES RESPONSE_TRAILERS_BYTES RESPONSE_TX_DURATION ROUTE_NAME START_TIME UPSTREAM_CLUSTER " +
    "UPSTREAM_FILTER_STATE UPSTREAM_HEADER_BYTES_RECEIVED UPSTREAM_HEADER_BYTES_SENT UPSTREAM_HOST UPSTREAM_LOCAL_ADDRESS " +
    "UPSTREAM_LOCAL_ADDRESS_WITHOUT_PORT UPSTREAM_LOCAL_PORT UPSTREAM_PEER_CERT UPSTREAM_PEER_CERT_V_END " +
    "UPSTREAM_PEER_CERT_V_START UPSTREAM_PEER_ISSUER UPSTREAM_PEER_SUBJECT UPSTREAM_PROTOCOL UPSTREAM_REMOTE_ADDRESS " +
    "UPSTREAM_REMOTE_ADDRESS_WITHOUT_PORT UPSTREAM_REMOTE_PORT UPSTREAM_REQUEST_ATTEMPT_COUNT UPSTREAM_TLS_CIPHER " +
    "UPSTREAM_TLS_SESSION_ID UPSTREAM_TLS_VERSION UPSTREAM_TRANSPORT_FAILURE_REASON UPSTREAM_WIRE_BYTES_RECEIVED " +
    "UPSTREAM_WIRE_BYTES_SENT VIRTUAL_CLUSTER_NAME"
  ).split(" "),
);

/**
 * Operators taking an argument. METADATA is Envoy's own (a format reading `ROUTE:` metadata makes
 * routes carry their source, see xds/translate/route-metadata.ts); REQ_WITHOUT_QUERY needs a
 * formatter extension not configured yet.
 */
const COMPLEX = new Set(["ENVIRONMENT", "METADATA", "REQ", "RESP", "START_TIME", "TRAILER"]);
const NOT_YET = new Set(["REQ_WITHOUT_QUERY"]);

/** upstream's named JSON fields beyond the lower-cased simple operators. */
const NAMED_FIELDS: Readonly<Record<string, string>> = {
  "@timestamp": "%START_TIME%",
  ts: "%START_TIME%",
  authority: "%REQ(:AUTHORITY)%",
  method: "%REQ(:METHOD)%",
  path: "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
  request_id: "%REQ(X-REQUEST-ID)%",
  uber_trace_id: "%REQ(UBER-TRACE-ID)%",
  upstream_service_time: "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%",
  user_agent: "%REQ(USER-AGENT)%",
  x_forwarded_for: "%REQ(X-FORWARDED-FOR)%",
  x_trace_id: "%REQ(X-TRACE-ID)%",
};

const OPERATOR = /%([A-Z_0-9]+)(\([^)]*\))?(:[0-9]+)?%/g;

/** What is wrong with the command operators of an Envoy format, or undefined. */
export function formatProblem(format: string): string | undefined {
  for (const [, name = "", args] of format.matchAll(OPERATOR)) {
    if (NOT_YET.has(name)) return `%${name}(...)% is not supported yet`;
    if (args === undefined ? !SIMPLE.has(name) : !COMPLEX.has(name)) return `unknown Envoy operator %${name}${args ?? ""}%`;
  }
  return undefined;
}

/** `json-fields` as upstream reads them: a known name, or `name=<Envoy format>`; the field map or the problem. */
export function jsonFieldMap(entries: readonly string[]): { fields: Record<string, string> } | { problem: string } {
  const fields: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    if (eq >= 0) {
      const name = entry.slice(0, eq);
      const format = entry.slice(eq + 1);
      if (name === "" || format === "") return { problem: `"${entry}": a field needs a name and a format` };
      const problem = formatProblem(format);
      if (problem !== undefined) return { problem: `"${entry}": ${problem}` };
      fields[name] = format;
      continue;
    }
    if (entry.startsWith("contour_config_")) return { problem: `"${entry}" is not supported yet (Envoy is not sent route metadata)` };
    const known = NAMED_FIELDS[entry] ?? (SIMPLE.has(entry.toUpperCase()) ? `%${entry.toUpperCase()}%` : undefined);
    if (known === undefined) return { problem: `"${entry}" is not a field upstream Contour knows; use "${entry}=%OPERATOR%"` };
    fields[entry] = known;
  }
  return { fields };
}
