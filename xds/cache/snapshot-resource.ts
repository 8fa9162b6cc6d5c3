// How one resource of a snapshot is made: encoded at once, or (the state-of-the-world route
// configuration holding every plain-HTTP host) versioned from its parts and encoded on first use.
import { create, toBinary, type Message } from "@bufbuild/protobuf";
import { AnySchema, type Any } from "@bufbuild/protobuf/wkt";
import { RouteConfigurationSchema, type RouteConfiguration } from "../gen/envoy/config/route/v3/route_pb.js";
import { encodeRouteConfiguration } from "./route-encoding.js";
import { HTTP_ROUTE_CONFIG_NAME } from "../names.js";
import { TypeUrl, type EnvoyResources } from "../resources.js";
import { hashBytes, hashPairs } from "./hash.js";
import type { Reference } from "./references.js";
import type { ResourceType } from "./resource-types.js";
import type { SnapshotResource } from "./snapshot.js";
import { encodingOf } from "./remembered-encoding.js";

/** A resource encoded (unless the translator's check encoded it already) and hashed now. */
export function encodedResource(type: ResourceType, name: string, message: Message, references: readonly Reference[]): SnapshotResource {
  // Route configurations are put together from their hosts' encodings (route-encoding.ts); clusters,
  // secrets and VHDS hosts were encoded by the translator's check already (remembered-encoding.ts).
  const bytes = encodingOf(message) ?? (type.typeUrl === TypeUrl.route ? encodeRouteConfiguration(message as RouteConfiguration) : toBinary(type.schema, message as never));
  return { name, version: hashBytes(bytes), message, bytes, any: create(AnySchema, { typeUrl: type.typeUrl, value: bytes }), references };
}

/**
 * Whether this is the state-of-the-world `ingress_http` of a translated set: the VHDS virtual hosts
 * of the set gathered in one message (with constant settings), so its content is a function of
 * theirs. Hand-made sets without VHDS hosts are encoded like any other resource.
 */
export function isSotwHttpRoutes(type: ResourceType, name: string, resources: EnvoyResources): boolean {
  return type.typeUrl === TypeUrl.route && name === HTTP_ROUTE_CONFIG_NAME && resources.virtualHosts !== undefined;
}

/**
 * The state-of-the-world `ingress_http`: its version is derived from the version of the virtual
 * hosts it holds, and its message is built and encoded only when a state-of-the-world stream
 * sends it, so a delta-only fleet never pays for re-encoding every host on each change.
 */
export function sotwHttpRoutesResource(virtualHostsVersion: string, message: () => Message, before: SnapshotResource | undefined): SnapshotResource {
  const version = hashPairs([["sotw ingress_http from virtual hosts", virtualHostsVersion]]);
  if (before !== undefined && before.version === version) return before;
  let built: Message | undefined;
  let bytes: Uint8Array | undefined;
  let any: Any | undefined;
  return {
    name: HTTP_ROUTE_CONFIG_NAME,
    version,
    references: [],
    derived: true,
    get message(): Message {
      built ??= message();
      return built;
    },
    get bytes(): Uint8Array {
      bytes ??= toBinary(RouteConfigurationSchema, this.message as never);
      return bytes;
    },
    get any(): Any {
      any ??= create(AnySchema, { typeUrl: TypeUrl.route, value: this.bytes });
      return any;
    },
  };
}
