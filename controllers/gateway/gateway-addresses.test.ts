import assert from "node:assert/strict";
import type { V1Service } from "@kubernetes/client-node";
import type { Gateway } from "../../crds/types/gateway-api/gateway.js";
import type { Condition } from "../store/fragment.js";
import { addressesProgrammed, requestedAddresses } from "./gateway-addresses.js";
import { gatewayAddresses, loadBalancerProblem } from "./gateway-service.js";
import { reconcileGateway, type GatewayReconcileOptions } from "./reconcile-gateway.js";
import { gateway, gatewayClass, http, objectsOf } from "./testdata/fixtures.js";

type Addresses = NonNullable<NonNullable<Gateway["spec"]>["addresses"]>;
const short = (cs: readonly Condition[]): string => cs.map((c) => `${c.type}=${c.status}:${c.reason}`).join(" ");

describe("Gateway spec.addresses", () => {
  describe("requestedAddresses: what can be asked of the owned Service", () => {
    const cases: ReadonlyArray<{ name: string; addresses: Addresses; want: string }> = [
      { name: "no addresses", addresses: [], want: "ok " },
      { name: "an IPAddress without a value asks for any address", addresses: [{ type: "IPAddress" }], want: "ok " },
      { name: "IPs in order of first appearance, repeats dropped", addresses: [{ type: "IPAddress", value: "198.19.255.201" }, { value: "198.19.254.1" }, { value: "198.19.255.201" }], want: "ok spec.addresses[0]=198.19.255.201,spec.addresses[1]=198.19.254.1" },
      { name: "IPv6 is an IP address", addresses: [{ value: "2001:db8::1" }], want: "ok spec.addresses[0]=2001:db8::1" },
      { name: "Hostname is not supported", addresses: [{ value: "198.19.255.201" }, { type: "Hostname", value: "lb.example.com" }], want: 'UnsupportedAddress spec.addresses[1].type: "Hostname" is not supported; only IPAddress is' },
      { name: "NamedAddress is not supported", addresses: [{ type: "NamedAddress", value: "pool-a" }], want: 'UnsupportedAddress spec.addresses[0].type: "NamedAddress" is not supported; only IPAddress is' },
      { name: "a domain-prefixed type is not supported", addresses: [{ type: "test/fake-invalid-type", value: "fake address teehee!" }, { value: "198.19.255.201" }], want: 'UnsupportedAddress spec.addresses[0].type: "test/fake-invalid-type" is not supported; only IPAddress is' },
      { name: "an IPAddress value that is no IP", addresses: [{ type: "IPAddress", value: "lb.example.com" }], want: 'UnsupportedAddress spec.addresses[0].value: "lb.example.com" is not an IP address' },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const r = requestedAddresses(gateway("infra", "gw", [http("http")], { addresses: c.addresses }));
        assert.equal(r.ok ? `ok ${r.requested.map((q) => `${q.field}=${q.ip}`).join(",")}` : `${r.reason} ${r.message}`, c.want);
      });
    }
  });

  describe("addressesProgrammed: the Programmed verdict from what the load balancer did", () => {
    const requested = [{ ip: "198.19.254.1", field: "spec.addresses[0]" }, { ip: "198.19.255.201", field: "spec.addresses[1]" }];
    const cases: ReadonlyArray<{ name: string; requested: typeof requested; assigned?: string[]; problem?: string; want: string }> = [
      { name: "no request, no address yet", requested: [], want: "AddressNotAssigned no address has been assigned to the Gateway's Service yet" },
      { name: "no request, the load balancer says why not", requested: [], problem: "pool exhausted", want: "AddressNotAssigned no address has been assigned to the Gateway's Service yet: pool exhausted" },
      { name: "no request, any address", requested: [], assigned: ["198.19.255.7"], want: "ok" },
      { name: "requested, the load balancer has not answered", requested, want: 'AddressNotAssigned waiting for the load balancer to assign "198.19.254.1", "198.19.255.201" to the Gateway\'s Service' },
      {
        name: "requested, refused with a condition",
        requested,
        problem: "io.cilium/lb-ipam-request-satisfied outside_pool: requested address 198.19.254.1 is outside the pool",
        want: 'AddressNotUsable spec.addresses[0].value: "198.19.254.1", spec.addresses[1].value: "198.19.255.201" were not assigned by the load balancer: io.cilium/lb-ipam-request-satisfied outside_pool: requested address 198.19.254.1 is outside the pool',
      },
      { name: "requested, another address given instead", requested: requested.slice(1), assigned: ["198.19.255.7"], want: 'AddressNotUsable spec.addresses[1].value: "198.19.255.201" was not assigned by the load balancer' },
      { name: "requested and assigned", requested: requested.slice(1), assigned: ["198.19.255.201"], want: "ok" },
      { name: "requested and assigned: a stale refusal does not matter", requested: requested.slice(1), assigned: ["198.19.255.201"], problem: "old", want: "ok" },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const v = addressesProgrammed(c.requested, c.assigned?.map((value) => ({ type: "IPAddress", value })), c.problem);
        assert.equal(v.ok ? "ok" : `${v.reason} ${v.message}`, c.want);
      });
    }
  });

  describe("through reconcileGateway: the conformance test's three steps", () => {
    const cls = gatewayClass("contour");
    const run = (addresses: Addresses, options: GatewayReconcileOptions): string => {
      const gw = gateway("gateway-conformance-infra", "gateway-static-addresses", [http("http", 8080)], { addresses });
      const r = reconcileGateway(objectsOf(cls, gw), gw, options);
      assert.ok(r.ours);
      return short(r.conditions);
    };
    const invalid = { type: "test/fake-invalid-type", value: "fake address teehee!" };
    const unusable = { type: "IPAddress", value: "198.19.254.1" };
    const usable = { type: "IPAddress", value: "198.19.255.201" };
    it("an unsupported type: Accepted=False UnsupportedAddress", () => {
      assert.equal(run([invalid, unusable, usable], {}), "Accepted=False:UnsupportedAddress Programmed=False:Invalid ResolvedRefs=True:ResolvedRefs");
    });
    it("an unusable IP refused by the load balancer: Accepted, Programmed=False AddressNotUsable", () => {
      assert.equal(run([unusable, usable], { loadBalancerProblem: "io.cilium/lb-ipam-request-satisfied outside_pool: requested address 198.19.254.1 is outside the pool 198.19.255.0/24" }), "Accepted=True:Accepted Programmed=False:AddressNotUsable ResolvedRefs=True:ResolvedRefs");
    });
    it("the usable IP assigned: Programmed", () => {
      assert.equal(run([usable], { assignedAddresses: [{ type: "IPAddress", value: "198.19.255.201" }] }), "Accepted=True:Accepted Programmed=True:Programmed ResolvedRefs=True:ResolvedRefs");
    });
  });

  describe("reading the owned Service", () => {
    it("takes the load balancer's refusal from a False status condition", () => {
      const refused: V1Service = { status: { conditions: [{ type: "io.cilium/lb-ipam-request-satisfied", status: "False", reason: "outside_pool", message: "requested address 198.19.254.1 is outside the pool 198.19.255.0/24", lastTransitionTime: new Date(0) }] } };
      assert.equal(loadBalancerProblem(refused), "io.cilium/lb-ipam-request-satisfied outside_pool: requested address 198.19.254.1 is outside the pool 198.19.255.0/24");
      assert.deepEqual(gatewayAddresses(refused), []);
      const satisfied: V1Service = { status: { loadBalancer: { ingress: [{ ip: "198.19.255.201" }] }, conditions: [{ type: "io.cilium/lb-ipam-request-satisfied", status: "True", reason: "satisfied", message: "", lastTransitionTime: new Date(0) }] } };
      assert.equal(loadBalancerProblem(satisfied), undefined);
      assert.equal(loadBalancerProblem(undefined), undefined);
    });
  });
});
