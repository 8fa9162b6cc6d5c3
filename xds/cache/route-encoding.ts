// The binary encoding of a route configuration from the encodings of its virtual hosts, each kept
// per host message: a Gateway listener's route configuration holds every host on its port, and a
// change to one route must not encode the other 9,999 again. The bytes are exactly toBinary's
// (fields in number order: name, then the hosts, then the rest), so versions are unchanged.
import { toBinary } from "@bufbuild/protobuf";
import { RouteConfigurationSchema, type RouteConfiguration } from "../gen/envoy/config/route/v3/route_pb.js";
import { VirtualHostSchema, type VirtualHost } from "../gen/envoy/config/route/v3/route_components_pb.js";

// Messages are immutable once translated, so identity is a sound key; WeakMaps let replaced ones go.
const hostBytes = new WeakMap<VirtualHost, Uint8Array>();
const configBytes = new WeakMap<RouteConfiguration, Uint8Array>();

/** Tag of RouteConfiguration.virtual_hosts (field 2, length-delimited). */
const VIRTUAL_HOSTS_TAG = (2 << 3) | 2;

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(out: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[at++] = n;
  return at;
}

function encodedHost(host: VirtualHost): Uint8Array {
  let bytes = hostBytes.get(host);
  if (bytes === undefined) {
    bytes = toBinary(VirtualHostSchema, host);
    hostBytes.set(host, bytes);
  }
  return bytes;
}

/** toBinary(RouteConfigurationSchema, config), reusing the encoding of every host seen before. */
export function encodeRouteConfiguration(config: RouteConfiguration): Uint8Array {
  const known = configBytes.get(config);
  if (known !== undefined) return known;
  let bytes: Uint8Array;
  if (config.virtualHosts.length < 2) bytes = toBinary(RouteConfigurationSchema, config);
  else {
    const shell = toBinary(RouteConfigurationSchema, { ...config, virtualHosts: [] });
    // Field 1 (name) comes first when set; the hosts (field 2) go right after it.
    const nameLength = Buffer.byteLength(config.name, "utf8");
    const prefix = config.name === "" ? 0 : 1 + varintLength(nameLength) + nameLength;
    const hosts = config.virtualHosts.map(encodedHost);
    let total = shell.length;
    for (const h of hosts) total += 1 + varintLength(h.length) + h.length;
    bytes = new Uint8Array(total);
    bytes.set(shell.subarray(0, prefix), 0);
    let at = prefix;
    for (const h of hosts) {
      bytes[at++] = VIRTUAL_HOSTS_TAG;
      at = writeVarint(bytes, at, h.length);
      bytes.set(h, at);
      at += h.length;
    }
    bytes.set(shell.subarray(prefix), at);
  }
  configBytes.set(config, bytes);
  return bytes;
}
