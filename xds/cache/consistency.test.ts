import { strict as assert } from "node:assert";
import { create } from "@bufbuild/protobuf";
import { Cluster_DiscoveryType, ClusterSchema } from "../gen/envoy/config/cluster/v3/cluster_pb.js";
import type { EnvoyResources } from "../resources.js";
import { checkConsistency } from "./consistency.js";
import { cluster, endpoints, listener, resources, routeConfig, secret } from "./testing/fixtures.js";

const cases: { name: string; input: EnvoyResources; want: string[] }[] = [
  {
    name: "consistent set",
    input: resources({
      listeners: [listener("l", "r", { secret: "tls" })],
      routes: [routeConfig("r", [{ prefix: "/", to: "c" }])],
      clusters: [cluster("c", { serviceName: "svc", secret: "up" })],
      endpoints: [endpoints("svc", ["127.0.0.1:1"])],
      secrets: [secret("tls"), secret("up")],
    }),
    want: [],
  },
  {
    name: "EDS name is service_name when set",
    input: resources({ clusters: [cluster("c", { serviceName: "svc" })], endpoints: [endpoints("c", ["127.0.0.1:1"])] }),
    want: ['cluster "c" eds_cluster_config needs ClusterLoadAssignment "svc", which the snapshot does not contain'],
  },
  {
    name: "EDS name is the cluster name otherwise",
    input: resources({ clusters: [cluster("c")] }),
    want: ['cluster "c" eds_cluster_config needs ClusterLoadAssignment "c", which the snapshot does not contain'],
  },
  {
    name: "non-EDS clusters need no endpoints",
    input: resources({ clusters: [create(ClusterSchema, { name: "static", clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.STATIC } })] }),
    want: [],
  },
  {
    name: "RDS name of a listener",
    input: resources({ listeners: [listener("l", "missing")] }),
    want: ['listener "l" filter_chains[0] filters[0] HttpConnectionManager needs RouteConfiguration "missing", which the snapshot does not contain'],
  },
  {
    name: "SDS names of listeners and clusters",
    input: resources({
      listeners: [listener("l", "r", { secret: "down" })],
      routes: [routeConfig("r", [])],
      clusters: [cluster("c", { secret: "up" })],
      endpoints: [endpoints("c", [])],
    }),
    want: [
      'cluster "c" transport_socket tls_certificate needs Secret "up", which the snapshot does not contain',
      'listener "l" filter_chains[0] transport_socket tls_certificate needs Secret "down", which the snapshot does not contain',
    ],
  },
  {
    name: "duplicate names",
    input: resources({ clusters: [cluster("c"), cluster("c")], endpoints: [endpoints("c", [])] }),
    want: ['cluster "c" appears more than once'],
  },
];

describe("checkConsistency", () => {
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(checkConsistency(c.input), c.want));
  }

  it("checks every filter chain, including the default one", () => {
    const l = listener("l", "r1");
    const second = listener("x", "r2").filterChains[0]!;
    const fallback = listener("y", "r3").filterChains[0]!;
    l.filterChains.push(second);
    l.defaultFilterChain = fallback;
    const problems = checkConsistency(resources({ listeners: [l], routes: [routeConfig("r1", [])] }));
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /filter_chains\[1\].*"r2"/);
    assert.match(problems[1]!, /default_filter_chain.*"r3"/);
  });
});
