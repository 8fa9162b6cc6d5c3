// What changed in a resource Envoy rejected, relative to what it accepted before, as pieces the
// pipeline can attribute to sources: the virtual hosts of a route configuration, the SNI filter
// chains of a listener, a cluster, a secret. Only what changed can have been rejected.
import { fromBinary, toBinary, type DescMessage, type Message } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { ListenerSchema } from "../../xds/gen/envoy/config/listener/v3/listener_pb.js";
import { FilterChainSchema } from "../../xds/gen/envoy/config/listener/v3/listener_components_pb.js";
import { VirtualHostSchema } from "../../xds/gen/envoy/config/route/v3/route_components_pb.js";
import { RouteConfigurationSchema } from "../../xds/gen/envoy/config/route/v3/route_pb.js";
import { TypeUrl } from "../../xds/resources.js";
import { fqdnOfVhdsName } from "../../xds/names.js";
import type { Piece } from "./attribution.js";

/** One resource of a rejected response, and the same resource as Envoy accepted it (when known). */
export interface RejectedResource {
  readonly typeUrl: string;
  readonly name: string;
  readonly rejected: Any | undefined;
  readonly accepted: Any | undefined;
}

function decode<Desc extends DescMessage>(schema: Desc, any: Any | undefined) {
  if (any === undefined) return undefined;
  try {
    return fromBinary(schema, any.value);
  } catch {
    return undefined;
  }
}

const sameBytes = (schema: DescMessage, a: Message | undefined, b: Message | undefined): boolean => {
  if (a === undefined || b === undefined) return false;
  return Buffer.from(toBinary(schema, a as never)).equals(Buffer.from(toBinary(schema, b as never)));
};

/** The pieces of a rejected resource that differ from the accepted one (all of them when that is unknown). */
export function rejectedPieces(resource: RejectedResource): Piece[] {
  switch (resource.typeUrl) {
    case TypeUrl.cluster:
      return [{ piece: "cluster", name: resource.name }];
    case TypeUrl.secret:
      return [{ piece: "secret", name: resource.name }];
    case TypeUrl.virtualHost: {
      // VHDS sends only what changed: the virtual host named is the piece.
      const fqdn = fqdnOfVhdsName(resource.name);
      return fqdn === undefined ? [] : [{ piece: "virtualHost", name: fqdn }];
    }
    case TypeUrl.route: {
      const rejected = decode(RouteConfigurationSchema, resource.rejected);
      const accepted = decode(RouteConfigurationSchema, resource.accepted);
      if (rejected === undefined) return [];
      const before = new Map((accepted?.virtualHosts ?? []).map((v) => [v.name, v] as const));
      return rejected.virtualHosts.filter((v) => !sameBytes(VirtualHostSchema, v, before.get(v.name))).map((v) => ({ piece: "virtualHost", name: v.name }));
    }
    case TypeUrl.listener: {
      const rejected = decode(ListenerSchema, resource.rejected);
      const accepted = decode(ListenerSchema, resource.accepted);
      if (rejected === undefined) return [];
      const keyOf = (names: readonly string[]): string => names.join(",");
      const before = new Map((accepted?.filterChains ?? []).map((c) => [keyOf(c.filterChainMatch?.serverNames ?? []), c] as const));
      return rejected.filterChains
        .filter((c) => (c.filterChainMatch?.serverNames.length ?? 0) > 0 && !sameBytes(FilterChainSchema, c, before.get(keyOf(c.filterChainMatch?.serverNames ?? []))))
        .flatMap((c) => (c.filterChainMatch?.serverNames ?? []).map((name): Piece => ({ piece: "filterChain", name })));
    }
    default:
      // Endpoints come from EndpointSlices, not from any tenant's object.
      return [];
  }
}
