/**
 * Faults a test can plant below the reconcilers' validation, so the isolation of what still gets
 * through can be shown against a real Envoy whatever the validators refuse: a host whose routes
 * cannot be encoded, and a host whose routes Envoy rejects. Off unless a caller passes them (contour
 * serve reads them from CONTOUR_TEST_FAULTS, see operator/serve/test-faults.ts); never in production.
 */
import { create } from "@bufbuild/protobuf";
import { RouteSchema, type VirtualHost as EnvoyVirtualHost } from "../gen/envoy/config/route/v3/route_components_pb.js";
import { VirtualHostSchema } from "../gen/envoy/config/route/v3/route_components_pb.js";

/** Hosts (exact fqdns) to plant faults in. */
export interface TestFaults {
  /** These hosts get a route with a cluster weight of 2^32: protobuf cannot encode it. */
  readonly unencodableHosts?: readonly string[];
  /** These hosts get a route whose regex RE2 cannot compile: it encodes, Envoy rejects it (NACK). */
  readonly rejectedHosts?: readonly string[];
  /** While a model has one of these hosts, translation throws as a bug would: the whole rebuild fails. */
  readonly rebuildFailureHosts?: readonly string[];
}

/** Throws when the model holds a host `faults` says makes the whole rebuild fail. */
export function failRebuildIfAsked(fqdns: Iterable<string>, faults: TestFaults | undefined): void {
  const hosts = faults?.rebuildFailureHosts;
  if (hosts === undefined || hosts.length === 0) return;
  for (const fqdn of fqdns) if (hosts.includes(fqdn)) throw new Error(`test fault: the rebuild fails while ${fqdn} exists`);
}

/** The path prefix of planted routes, so a dump shows where they came from. */
export const TEST_FAULT_PREFIX = "/__contour_test_fault";

/** The virtual host with the faults planted that `faults` asks for it, or the same host. */
export function plantFaults(vhost: EnvoyVirtualHost, faults: TestFaults | undefined): EnvoyVirtualHost {
  if (faults === undefined) return vhost;
  const routes = [...vhost.routes];
  if (faults.unencodableHosts?.includes(vhost.name) === true) {
    routes.push(
      create(RouteSchema, {
        match: { pathSpecifier: { case: "prefix", value: `${TEST_FAULT_PREFIX}/unencodable` } },
        action: { case: "route", value: { clusterSpecifier: { case: "weightedClusters", value: { clusters: [{ name: "unencodable", weight: 4294967296 }] } } } },
      }),
    );
  }
  if (faults.rejectedHosts?.includes(vhost.name) === true) {
    routes.push(
      create(RouteSchema, {
        match: { pathSpecifier: { case: "safeRegex", value: { regex: `${TEST_FAULT_PREFIX}/rejected/(` } } },
        action: { case: "directResponse", value: { status: 200 } },
      }),
    );
  }
  return routes.length === vhost.routes.length ? vhost : create(VirtualHostSchema, { ...vhost, routes });
}
