import assert from "node:assert/strict";
import { toJson } from "@bufbuild/protobuf";
import type { V1Endpoint, V1EndpointSlice } from "@kubernetes/client-node";
import { ClusterLoadAssignmentSchema } from "../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { edsName } from "../names.js";
import { translateEndpoints } from "./endpoints.js";

/** Fixture: an EndpointSlice of a Service. */
function slice(
  namespace: string,
  service: string,
  ports: { name?: string; port?: number; protocol?: string }[],
  endpoints: V1Endpoint[],
  addressType = "IPv4",
): V1EndpointSlice {
  return {
    addressType,
    metadata: { namespace, name: `${service}-${Math.abs(hashCode(JSON.stringify(endpoints)))}`, labels: { "kubernetes.io/service-name": service } },
    ports,
    endpoints,
  };
}

/** Deterministic slice names (the translator must not care about them). */
function hashCode(s: string): number {
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return h;
}

function ep(address: string, ready?: boolean, extra: Partial<NonNullable<V1Endpoint["conditions"]>> = {}): V1Endpoint {
  return { addresses: [address], conditions: { ...(ready === undefined ? {} : { ready }), ...extra } };
}

/** The CLA as "ip:port" strings per EDS name. */
function addresses(names: string[], slices: V1EndpointSlice[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const cla of translateEndpoints(names, slices)) {
    const json = toJson(ClusterLoadAssignmentSchema, cla) as { clusterName: string; endpoints?: { lbEndpoints: { endpoint: { address: { socketAddress: { address: string; portValue: number } } } }[] }[] };
    out[json.clusterName] = (json.endpoints ?? []).flatMap((l) => l.lbEndpoints.map((e) => `${e.endpoint.address.socketAddress.address}:${e.endpoint.address.socketAddress.portValue}`));
  }
  return out;
}

const HTTP = edsName("ns", "web", "http");
const UNNAMED = edsName("ns", "web", "");

const cases: { name: string; names: string[]; slices: V1EndpointSlice[]; want: Record<string, string[]> }[] = [
  {
    name: "ready and unknown readiness are served; not ready, terminating and serving-but-not-ready are not",
    names: [HTTP],
    slices: [
      slice("ns", "web", [{ name: "http", port: 8080 }], [
        ep("10.0.0.1", true),
        { addresses: ["10.0.0.2"] },
        ep("10.0.0.3", false),
        ep("10.0.0.4", false, { terminating: true, serving: true }),
        ep("10.0.0.5", undefined, {}),
      ]),
    ],
    want: { [HTTP]: ["10.0.0.1:8080", "10.0.0.2:8080", "10.0.0.5:8080"] },
  },
  {
    name: "the slice port is chosen by the Service port's name, TCP only",
    names: [HTTP, edsName("ns", "web", "metrics")],
    slices: [
      slice("ns", "web", [{ name: "http", port: 8080, protocol: "TCP" }, { name: "metrics", port: 9090 }, { name: "http", port: 53, protocol: "UDP" }], [ep("10.0.0.1", true)]),
    ],
    want: { [HTTP]: ["10.0.0.1:8080"], [edsName("ns", "web", "metrics")]: ["10.0.0.1:9090"] },
  },
  {
    name: "an unnamed port matches the slice port with no name or an empty name, and only it",
    names: [UNNAMED],
    slices: [slice("ns", "web", [{ port: 80 }], [ep("10.0.0.1")]), slice("ns", "web", [{ name: "", port: 81 }, { name: "http", port: 82 }], [ep("10.0.0.2")])],
    want: { [UNNAMED]: ["10.0.0.1:80", "10.0.0.2:81"] },
  },
  {
    name: "endpoints in two slices (mid-move) appear once; output is sorted",
    names: [HTTP],
    slices: [
      slice("ns", "web", [{ name: "http", port: 8080 }], [ep("10.0.0.9", true), ep("10.0.0.1", true)]),
      slice("ns", "web", [{ name: "http", port: 8080 }], [ep("10.0.0.1", true), ep("10.0.0.5", true)]),
    ],
    want: { [HTTP]: ["10.0.0.1:8080", "10.0.0.5:8080", "10.0.0.9:8080"] },
  },
  {
    name: "an EDS name without slices gets an empty assignment, never none",
    names: [HTTP, edsName("other", "missing", "grpc")],
    slices: [],
    want: { [HTTP]: [], [edsName("other", "missing", "grpc")]: [] },
  },
  {
    name: "slices of other Services or namespaces, without the service label, or FQDN-typed are ignored",
    names: [HTTP],
    slices: [
      slice("ns", "api", [{ name: "http", port: 1 }], [ep("10.0.1.1")]),
      slice("elsewhere", "web", [{ name: "http", port: 2 }], [ep("10.0.1.2")]),
      { addressType: "IPv4", metadata: { namespace: "ns", name: "unlabelled" }, ports: [{ name: "http", port: 3 }], endpoints: [ep("10.0.1.3")] },
      slice("ns", "web", [{ name: "http", port: 4 }], [ep("db.example.com")], "FQDN"),
    ],
    want: { [HTTP]: [] },
  },
  {
    name: "IPv6 addresses are served; malformed addresses and ports (which Envoy would NACK) are skipped",
    names: [HTTP],
    slices: [
      slice("ns", "web", [{ name: "http", port: 8080 }], [ep("fd00::1", true)], "IPv6"),
      slice("ns", "web", [{ name: "http", port: 8080 }, { name: "http", port: 70000 }], [ep("10.0.0.300", true), ep("10.0.0.7", true)]),
      slice("ns", "web", [{ name: "http" }], [ep("10.0.0.8", true)]),
    ],
    want: { [HTTP]: ["10.0.0.7:8080", "fd00::1:8080"] },
  },
  {
    name: "names are deduplicated and the result is sorted by name",
    names: [HTTP, UNNAMED, HTTP],
    slices: [],
    want: { [UNNAMED]: [], [HTTP]: [] },
  },
];

describe("translateEndpoints", () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = addresses(c.names, c.slices);
      assert.deepEqual(got, c.want);
      assert.deepEqual(Object.keys(got), [...Object.keys(c.want)].sort());
    });
  }

  it("does not depend on the order of slices or of endpoints within them", () => {
    const a = slice("ns", "web", [{ name: "http", port: 8080 }], [ep("10.0.0.2"), ep("10.0.0.1")]);
    const b = slice("ns", "web", [{ name: "http", port: 8080 }], [ep("10.0.0.3")]);
    const reversedA = { ...a, endpoints: [...a.endpoints].reverse() };
    assert.deepEqual(translateEndpoints([HTTP], [a, b]), translateEndpoints([HTTP], [b, reversedA]));
  });
});
