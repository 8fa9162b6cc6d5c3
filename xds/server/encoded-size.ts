// Exact encoded sizes of the responses the server sends, by arithmetic instead of a second
// encoding (Connect encodes each response itself; encoding 10,000 clusters twice is not free).
import type { DescMessage } from "@bufbuild/protobuf";
import {
  type DeltaDiscoveryResponse,
  DeltaDiscoveryResponseSchema,
  type DiscoveryResponse,
  DiscoveryResponseSchema,
  ResourceSchema,
} from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import { AnySchema, type Any } from "@bufbuild/protobuf/wkt";

const encoder = new TextEncoder();

function fieldNumber(schema: DescMessage, localName: string): number {
  const field = schema.fields.find((f) => f.localName === localName);
  if (field === undefined) throw new Error(`encoded-size: ${schema.typeName} has no field ${localName}`);
  return field.number;
}

const F = {
  anyTypeUrl: fieldNumber(AnySchema, "typeUrl"),
  anyValue: fieldNumber(AnySchema, "value"),
  sotwVersion: fieldNumber(DiscoveryResponseSchema, "versionInfo"),
  sotwResources: fieldNumber(DiscoveryResponseSchema, "resources"),
  sotwTypeUrl: fieldNumber(DiscoveryResponseSchema, "typeUrl"),
  sotwNonce: fieldNumber(DiscoveryResponseSchema, "nonce"),
  deltaVersion: fieldNumber(DeltaDiscoveryResponseSchema, "systemVersionInfo"),
  deltaResources: fieldNumber(DeltaDiscoveryResponseSchema, "resources"),
  deltaTypeUrl: fieldNumber(DeltaDiscoveryResponseSchema, "typeUrl"),
  deltaRemoved: fieldNumber(DeltaDiscoveryResponseSchema, "removedResources"),
  deltaNonce: fieldNumber(DeltaDiscoveryResponseSchema, "nonce"),
  resourceName: fieldNumber(ResourceSchema, "name"),
  resourceVersion: fieldNumber(ResourceSchema, "version"),
  resourceAny: fieldNumber(ResourceSchema, "resource"),
};

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

// A length-delimited field; proto3 omits empty strings and bytes unless the field is a message.
function delimited(field: number, length: number, always = false): number {
  if (length === 0 && !always) return 0;
  return varintSize(field << 3) + varintSize(length) + length;
}

const utf8 = (s: string): number => (s.length === 0 ? 0 : encoder.encode(s).length);

function anySize(any: Any): number {
  return delimited(F.anyTypeUrl, utf8(any.typeUrl)) + delimited(F.anyValue, any.value.length);
}

/** The protobuf size of a DiscoveryResponse as the server builds it (no canary, no control_plane). */
export function discoveryResponseSize(response: DiscoveryResponse): number {
  let size = delimited(F.sotwVersion, utf8(response.versionInfo)) + delimited(F.sotwTypeUrl, utf8(response.typeUrl)) + delimited(F.sotwNonce, utf8(response.nonce));
  for (const any of response.resources) size += delimited(F.sotwResources, anySize(any), true);
  return size;
}

/** The protobuf size of a DeltaDiscoveryResponse as the server builds it. */
export function deltaDiscoveryResponseSize(response: DeltaDiscoveryResponse): number {
  let size =
    delimited(F.deltaVersion, utf8(response.systemVersionInfo)) + delimited(F.deltaTypeUrl, utf8(response.typeUrl)) + delimited(F.deltaNonce, utf8(response.nonce));
  for (const r of response.resources) {
    const inner =
      delimited(F.resourceName, utf8(r.name)) +
      delimited(F.resourceVersion, utf8(r.version)) +
      (r.resource === undefined ? 0 : delimited(F.resourceAny, anySize(r.resource), true));
    size += delimited(F.deltaResources, inner, true);
  }
  for (const name of response.removedResources) size += delimited(F.deltaRemoved, utf8(name), true);
  return size;
}
