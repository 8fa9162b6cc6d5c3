import assert from "node:assert/strict";
import { allocateGatewayPorts, type PortAllocation } from "./port-allocation.js";
import { gatewayListenerName, httpRouteRouteName } from "./names.js";

const range = { min: 10000, max: 10004, reserved: [10001] };
const show = (as: readonly PortAllocation[]): string[] => as.map((a) => `${a.gateway}:${a.port}->${a.envoyPort}`);

describe("allocateGatewayPorts", () => {
  it("gives new claims the lowest free ports in (Gateway, port) order, skipping reserved ports", () => {
    const r = allocateGatewayPorts([{ gateway: "b/gw", port: 80 }, { gateway: "a/gw", port: 443 }, { gateway: "a/gw", port: 80 }], [], range);
    assert.deepEqual(show(r.allocations), ["a/gw:80->10000", "a/gw:443->10002", "b/gw:80->10003"]);
    assert.deepEqual(r.exhausted, []);
  });

  it("keeps previous allocations when other Gateways come and go", () => {
    const first = allocateGatewayPorts([{ gateway: "a/gw", port: 80 }, { gateway: "b/gw", port: 80 }], [], range).allocations;
    const later = allocateGatewayPorts([{ gateway: "b/gw", port: 80 }, { gateway: "0/new", port: 80 }], first, range);
    assert.deepEqual(show(later.allocations), ["0/new:80->10000", "b/gw:80->10002"]);
    const again = allocateGatewayPorts([{ gateway: "b/gw", port: 80 }, { gateway: "0/new", port: 80 }], later.allocations, range);
    assert.deepEqual(again.allocations, later.allocations);
  });

  it("drops invalid previous allocations and reports exhaustion", () => {
    const previous = [
      { gateway: "a/gw", port: 80, envoyPort: 10001 },
      { gateway: "b/gw", port: 80, envoyPort: 10003 },
      { gateway: "c/gw", port: 80, envoyPort: 10003 },
      { gateway: "d/gw", port: 80, envoyPort: 20000 },
    ];
    const claims = ["a/gw", "b/gw", "c/gw", "d/gw", "e/gw"].map((gateway) => ({ gateway, port: 80 }));
    const r = allocateGatewayPorts(claims, previous, range);
    assert.deepEqual(show(r.allocations), ["a/gw:80->10000", "b/gw:80->10003", "c/gw:80->10002", "d/gw:80->10004"]);
    assert.deepEqual(r.exhausted, [{ gateway: "e/gw", port: 80 }]);
  });

  it("does not depend on the order of its inputs", () => {
    const claims = [{ gateway: "a/gw", port: 80 }, { gateway: "b/gw", port: 81 }, { gateway: "c/gw", port: 82 }];
    const prev = [{ gateway: "c/gw", port: 82, envoyPort: 10000 }];
    assert.deepEqual(allocateGatewayPorts(claims, prev, range), allocateGatewayPorts([...claims].reverse(), prev, range));
  });

  it("names listeners and routes after their sources", () => {
    assert.equal(gatewayListenerName("infra", "gw", 443), "gateway/infra/gw/443");
    assert.equal(httpRouteRouteName("apps", "web", 2, 0), "httproute/apps/web/rule/2/match/0");
  });
});
