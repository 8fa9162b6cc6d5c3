/**
 * Client IP allow and deny lists: the typed_per_filter_config of envoy.filters.http.rbac for a
 * virtual host or a route, as upstream Contour builds it (one policy matching any request from the
 * listed ranges; ALLOW lets only those through, DENY refuses them; Envoy answers a refused request
 * with 403). "peer" rules match the connection's address (direct_remote_ip), "remote" rules the
 * client address the HCM settled on after PROXY protocol and X-Forwarded-For (remote_ip).
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import type { PolicySchema, PrincipalSchema } from "../gen/envoy/config/rbac/v3/rbac_pb.js";
import { RBAC_Action } from "../gen/envoy/config/rbac/v3/rbac_pb.js";
import { RBACPerRouteSchema } from "../gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js";
import type { IpFilter } from "../../controllers/model/model.js";
import { parseCidr } from "./cidr.js";
import { compareStrings, typed } from "./proto.js";

/** Name of the one policy in each RBAC config. */
const POLICY_NAME = "ip-rules";

type PrincipalInit = MessageInitShape<typeof PrincipalSchema>;

/** The valid rules as principals, each range once, sorted (the order of an OR does not matter). */
function principals(filter: IpFilter): PrincipalInit[] {
  const unique = new Map<string, PrincipalInit>();
  for (const rule of filter.rules) {
    const cidr = parseCidr(rule.cidr);
    if (cidr === undefined || (rule.source !== "peer" && rule.source !== "remote")) continue;
    const range = { addressPrefix: cidr.address, prefixLen: cidr.prefixLength };
    const identifier: PrincipalInit["identifier"] = rule.source === "peer" ? { case: "directRemoteIp", value: range } : { case: "remoteIp", value: range };
    unique.set(`${rule.source} ${cidr.address}/${cidr.prefixLength}`, { identifier });
  }
  return [...unique.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, p]) => p);
}

/**
 * The RBACPerRoute of a virtual host or route, packed, or undefined when there is nothing to
 * enforce. Invalid rules are dropped. An allow list left without a valid rule allows nobody (it
 * fails closed: the owner meant to restrict access); a deny list left empty denies nobody, and
 * with no list at all (no rules given) nothing is emitted, as upstream does.
 */
export function translateIpFilter(filter: IpFilter | undefined): Any | undefined {
  if (filter === undefined || filter.rules.length === 0 || (filter.action !== "allow" && filter.action !== "deny")) return undefined;
  const list = principals(filter);
  const allow = filter.action === "allow";
  if (list.length === 0 && !allow) return undefined;
  // Envoy requires at least one principal per policy; an ALLOW with no policy grants nobody.
  const policies: Record<string, MessageInitShape<typeof PolicySchema>> = {};
  if (list.length > 0) policies[POLICY_NAME] = { permissions: [{ rule: { case: "any", value: true } }], principals: list };
  return typed(RBACPerRouteSchema, {
    rbac: { rules: { action: allow ? RBAC_Action.ALLOW : RBAC_Action.DENY, policies } },
  });
}
