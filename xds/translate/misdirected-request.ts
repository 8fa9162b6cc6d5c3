/**
 * The Host-versus-SNI check of a wildcard TLS host (upstream Contour's misdirected-request filter):
 * a request whose Host, lower-cased and without its port, is not exactly the connection's SNI is
 * answered 421 Misdirected Request (RFC 9110 15.5.20).
 *
 * An exact TLS host needs no script: its chain matches one SNI name, and its route configuration's
 * catch-all host (routes.ts) answers 421 for any other Host. A wildcard chain matches many SNI
 * names that all fall under the same route domain, so only a per-request comparison can tell
 * `a.example.com` over a connection opened for `b.example.com`. The script is a constant: no
 * name or value of any object is ever written into it.
 */
import { create } from "@bufbuild/protobuf";
import { LuaSchema } from "../gen/envoy/extensions/filters/http/lua/v3/lua_pb.js";
import type { HttpFilter } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { HttpFilterSchema } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { typed } from "./proto.js";

/**
 * Name of the filter in the HCM: not the cookie-rewrite Lua filter's, so a route's LuaPerRoute
 * (keyed by filter name) never reaches this one and both run where both are present.
 */
export const MISDIRECTED_FILTER_NAME = "contour.filters.http.misdirected_request";

/** The comparison: the port is cut at the first ':' as upstream does (TLS hosts are DNS names). */
export const MISDIRECTED_SCRIPT = `function envoy_on_request(handle)
  local authority = handle:headers():get(":authority")
  local sni = handle:streamInfo():requestedServerName()
  if authority == nil or sni == nil then return end
  local host = string.lower(authority)
  local colon = string.find(host, ":", 1, true)
  if colon ~= nil then host = string.sub(host, 1, colon - 1) end
  if host ~= string.lower(sni) then
    handle:respond({[":status"] = "421"}, "misdirected request\\n")
  end
end
`;

/** True for a host whose TLS chain matches more than one SNI name ("*.example.com"). */
export function needsMisdirectedCheck(fqdn: string): boolean {
  return fqdn.startsWith("*.");
}

/** The Lua filter answering 421 when Host is not the SNI; first in the chain, as upstream places it. */
export function misdirectedRequestFilter(): HttpFilter {
  return create(HttpFilterSchema, {
    name: MISDIRECTED_FILTER_NAME,
    configType: { case: "typedConfig", value: typed(LuaSchema, { defaultSourceCode: { specifier: { case: "inlineString", value: MISDIRECTED_SCRIPT } } }) },
  });
}
