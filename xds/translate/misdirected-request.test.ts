// The Host-versus-SNI check: only on wildcard TLS chains, first in their HCM, one constant script.
import { strict as assert } from "node:assert";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import type { SecureVirtualHost } from "./hosts.js";
import { HttpConnectionManagerSchema } from "../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { secureHostChain } from "./listeners.js";
import { MISDIRECTED_FILTER_NAME, MISDIRECTED_SCRIPT, needsMisdirectedCheck } from "./misdirected-request.js";
import { resolveOptions } from "./options.js";

function host(fqdn: string): SecureVirtualHost {
  return { fqdn, routes: [], tls: { secret: "ns/cert/0", minimumProtocolVersion: "1.2", maximumProtocolVersion: "1.3" } } as unknown as SecureVirtualHost;
}

function filterNames(fqdn: string): string[] {
  const chain = secureHostChain(host(fqdn), resolveOptions());
  const config = chain.filters[0]?.configType;
  assert.ok(config?.case === "typedConfig");
  const any = config.value;
  const hcm = anyUnpack(any, HttpConnectionManagerSchema);
  assert.ok(hcm !== undefined);
  return hcm.httpFilters.map((f) => f.name);
}

describe("misdirected-request check", () => {
  it("runs first on a wildcard host's chain", () => {
    assert.equal(filterNames("*.wild.example.com")[0], MISDIRECTED_FILTER_NAME);
  });

  it("is absent from an exact host's chain (its route configuration's catch-all answers 421)", () => {
    assert.ok(!filterNames("exact.example.com").includes(MISDIRECTED_FILTER_NAME));
  });

  it("applies to wildcard names only", () => {
    assert.equal(needsMisdirectedCheck("*.example.com"), true);
    assert.equal(needsMisdirectedCheck("example.com"), false);
  });

  it("is a constant script comparing the port-less, lower-cased Host with the SNI", () => {
    assert.match(MISDIRECTED_SCRIPT, /requestedServerName\(\)/);
    assert.match(MISDIRECTED_SCRIPT, /string\.lower\(authority\)/);
    assert.match(MISDIRECTED_SCRIPT, /\["?:status"?\] = "421"/);
  });
});
