import type { V1Service, V1ServicePort } from "@kubernetes/client-node";
import type { Cluster } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import { invalidAnnotation, readAnnotation, splitList, type Parsed } from "../annotations/annotation-value.js";

/** The protocol Envoy speaks to an upstream. */
export type UpstreamProtocol = Cluster["protocol"];

/** The annotations naming the ports that speak h2, h2c or TLS, in the order upstream applies them (later wins). */
export const UPSTREAM_PROTOCOL_ANNOTATIONS: readonly (readonly [string, UpstreamProtocol])[] = [
  ["projectcontour.io/upstream-protocol.h2", "h2"],
  ["projectcontour.io/upstream-protocol.h2c", "h2c"],
  ["projectcontour.io/upstream-protocol.tls", "tls"],
];

/** What a port's appProtocol means, as upstream's toContourProtocol maps it; other values mean HTTP/1. */
const APP_PROTOCOLS: ReadonlyMap<string, UpstreamProtocol> = new Map([
  ["kubernetes.io/h2c", "h2c"],
  ["kubernetes.io/ws", "http1"],
  ["http", "http1"],
  ["https", "tls"],
]);

const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/u;
const PORT_NUMBER = /^\d{1,5}$/u;

/**
 * The protocol of one Service port, as upstream's upstreamProtocol decides it: the port's appProtocol
 * when set, otherwise the annotations, matched by port name first and then by port number.
 * Entries that cannot name a port and ports claimed by two protocols are reported.
 */
export function upstreamProtocol(service: V1Service, port: V1ServicePort): Parsed<UpstreamProtocol> {
  const warnings: Condition[] = [];
  const byPort = new Map<string, UpstreamProtocol>();
  for (const [key, protocol] of UPSTREAM_PROTOCOL_ANNOTATIONS) {
    const read = readAnnotation(service.metadata?.annotations, key);
    warnings.push(...read.warnings);
    for (const entry of splitList(read.value ?? "")) {
      if (!isPortReference(entry)) {
        warnings.push(invalidAnnotation("InvalidUpstreamProtocol", key, entry, "is not a port name or number"));
        continue;
      }
      const earlier = byPort.get(entry);
      if (earlier !== undefined && earlier !== protocol) {
        warnings.push(invalidAnnotation("ConflictingUpstreamProtocol", key, entry, `is also listed for ${earlier}; ${protocol} wins`));
      }
      byPort.set(entry, protocol);
    }
  }
  if (port.appProtocol !== undefined) return { value: APP_PROTOCOLS.get(port.appProtocol) ?? "http1", warnings };
  const protocol = (port.name !== undefined ? byPort.get(port.name) : undefined) ?? byPort.get(String(port.port)) ?? "http1";
  return { value: protocol, warnings };
}

function isPortReference(entry: string): boolean {
  if (PORT_NUMBER.test(entry)) {
    const n = Number(entry);
    return n >= 1 && n <= 65535;
  }
  return entry.length <= 63 && PORT_NAME.test(entry);
}
