/**
 * User header values for Envoy's custom-header formatter, as upstream Contour's escapeHeaderValue
 * makes them: every "%" is doubled so Envoy reads user data as literal text, except upstream's
 * allow-list of Envoy variables, which stay live (`%HOSTNAME%`, `%DOWNSTREAM_REMOTE_ADDRESS%`, ...)
 * and `%REQ(header)%` / `%REQ(header?fallback)%` / `%REQ(header):max%`. Nothing else Envoy could run
 * (`%START_TIME%`, `%ENVIRONMENT(...)%`, `%FILTER_STATE(...)%`, ...) passes.
 */

/** The Envoy variables upstream leaves unescaped in header values (internal/dag/policy.go). */
export const ALLOWED_ENVOY_VARIABLES: readonly string[] = [
  "DOWNSTREAM_REMOTE_ADDRESS",
  "DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT",
  "DOWNSTREAM_LOCAL_ADDRESS",
  "DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT",
  "DOWNSTREAM_LOCAL_PORT",
  "DOWNSTREAM_LOCAL_URI_SAN",
  "DOWNSTREAM_PEER_URI_SAN",
  "DOWNSTREAM_LOCAL_SUBJECT",
  "DOWNSTREAM_PEER_SUBJECT",
  "DOWNSTREAM_PEER_ISSUER",
  "DOWNSTREAM_TLS_SESSION_ID",
  "DOWNSTREAM_TLS_CIPHER",
  "DOWNSTREAM_TLS_VERSION",
  "DOWNSTREAM_PEER_FINGERPRINT_256",
  "DOWNSTREAM_PEER_FINGERPRINT_1",
  "DOWNSTREAM_PEER_SERIAL",
  "DOWNSTREAM_PEER_CERT",
  "DOWNSTREAM_PEER_CERT_V_START",
  "DOWNSTREAM_PEER_CERT_V_END",
  "HOSTNAME",
  "PROTOCOL",
  "UPSTREAM_REMOTE_ADDRESS",
  "RESPONSE_FLAGS",
  "RESPONSE_CODE_DETAILS",
];

/** After doubling: `%%NAME%%` for an allowed name. */
const ESCAPED_VARIABLE = new RegExp(`%%(${ALLOWED_ENVOY_VARIABLES.join("|")})%%`, "gu");

/**
 * After doubling: `%%REQ(name)%%`, with an optional `?fallback` header and `:length`; names are
 * word characters and dashes, optionally a pseudo-header (Go's \w is ASCII, so is [0-9A-Za-z_]).
 * Unlike upstream, a length of 20 digits or more stays literal: Envoy refuses a length past 2^64-1,
 * which would get everyone's route configuration rejected (upstream pushes it).
 */
const ESCAPED_REQ = /%(%REQ\(:?[0-9A-Za-z_-]+(?:\?:?[0-9A-Za-z_-]+)?\)(?::\d{1,19})?%)%/gu;

/** A user's header value, escaped for Envoy but for upstream's allow-list. */
export function escapeHeaderValue(value: string): string {
  if (!value.includes("%")) return value;
  return value.replaceAll("%", "%%").replace(ESCAPED_VARIABLE, "%$1%").replace(ESCAPED_REQ, "$1");
}
