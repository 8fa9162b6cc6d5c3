// Port of upstream Contour v1.33.6's test/e2e/httpproxy/query_parameter_condition_match_test.go
// ("httpproxy-query-parameter-condition-match" and "-multiple"): queryParameter conditions (exact, prefix,
// suffix, regex, contains, present, with ignoreCase), and the first of repeated parameters decides.
// Upstream also checks the echo body's namespace; the bed's pods answer with their name only, and each
// test's Services live in its one namespace, so the answering pod stands for both.
import { describe, it } from "mocha";
import type { QueryParameterMatchCondition } from "../../crds/index.js";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { useStack } from "../fixtures/stack.js";
import { deployEcho, echoService, hasStatusCode, requestUntil } from "./upstream-port-fixture.js";

const SERVICES = ["exact", "exact-ignorecase", "prefix", "prefix-ignorecase", "suffix", "suffix-ignorecase", "regex", "present", "contains", "contains-ignorecase"].map((s) => `echo-query-parameter-${s}`);

interface Scenario {
  readonly path: string;
  readonly expectResponse: number;
  readonly expectService?: string;
}

describe("httpproxy/query_parameter_condition_match_test.go", function () {
  const ctx = useStack({ pods: [...SERVICES, "echo-1", "echo-2"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  /** Upstream's loop over the scenarios: every one tried, all mismatches reported (assert, not require). */
  async function check(fqdn: string, cases: readonly Scenario[]): Promise<void> {
    const failures: string[] = [];
    for (const tc of cases) {
      try {
        const res = await requestUntil(ctx.stack, { host: fqdn, path: tc.path }, hasStatusCode(tc.expectResponse), `expected ${tc.expectResponse} response code with ${tc.path}`);
        // Anything but a 200 needs no body check.
        if (res.status === 200 && echoService(res) !== tc.expectService) failures.push(`${tc.path}: expected service ${String(tc.expectService)}, got ${String(echoService(res))}`);
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
    if (failures.length > 0) throw new Error(failures.join("; "));
  }
  const query = (params: Record<string, string>) => `/?${new URLSearchParams(params).toString()}`;

  it("query parameter match routing works", async () => {
    const ns = "httpproxy-query-parameter-condition-match";
    for (const name of SERVICES) await deployEcho(ctx.stack, ns, name);
    const fqdn = "queryparam.projectcontour.io";
    const route = (service: string, queryParameter: QueryParameterMatchCondition) => ({ services: [{ name: `echo-query-parameter-${service}`, port: 80 }], conditions: [{ queryParameter }] });
    await createHTTPProxy(kc(), ns, "query-parameter-conditions", {
      virtualhost: { fqdn },
      routes: [
        route("exact", { name: "targetExact", exact: "ExactValue" }),
        route("exact-ignorecase", { name: "targetExactIgnoreCase", exact: "exactvalueIgnorecase", ignoreCase: true }),
        route("prefix", { name: "targetPrefix", prefix: "Prefix" }),
        route("prefix-ignorecase", { name: "targetPrefixIgnoreCase", prefix: "prefixval", ignoreCase: true }),
        route("suffix", { name: "targetSuffix", suffix: "ffixValue" }),
        route("suffix-ignorecase", { name: "targetSuffixIgnoreCase", suffix: "ffixvalueignorecase", ignoreCase: true }),
        route("regex", { name: "targetRegex", regex: "^RegexV.*" }),
        route("contains", { name: "targetContains", contains: "nsVal" }),
        route("contains-ignorecase", { name: "targetContainsIgnoreCase", contains: "svalueIgnorec", ignoreCase: true }),
        route("present", { name: "targetPresent", present: true }),
      ],
    });
    await waitForProxyStatus(kc(), ns, "query-parameter-conditions", "valid");
    const svc = (s: string) => `echo-query-parameter-${s}`;
    await check(fqdn, [
      { path: query({ targetExact: "random" }), expectResponse: 404 },
      { path: query({ targetExact: "ExactValue" }), expectResponse: 200, expectService: svc("exact") },
      { path: query({ targetExact: "exactvalue" }), expectResponse: 404, expectService: svc("exact") },
      { path: query({ targetExactIgnoreCase: "ExactValueIgnoreCase" }), expectResponse: 200, expectService: svc("exact-ignorecase") },
      { path: query({ targetPrefix: "random" }), expectResponse: 404 },
      { path: query({ targetPrefix: "PrefixValue" }), expectResponse: 200, expectService: svc("prefix") },
      { path: query({ targetPrefix: "prefixvalue" }), expectResponse: 404, expectService: svc("prefix") },
      { path: query({ targetPrefixIgnoreCase: "PrefixValueIgnoreCase" }), expectResponse: 200, expectService: svc("prefix-ignorecase") },
      { path: query({ targetSuffix: "random" }), expectResponse: 404 },
      { path: query({ targetSuffix: "SuffixValue" }), expectResponse: 200, expectService: svc("suffix") },
      { path: query({ targetSuffix: "suffixvalue" }), expectResponse: 404, expectService: svc("suffix") },
      { path: query({ targetSuffixIgnoreCase: "SuffixValueIgnoreCase" }), expectResponse: 200, expectService: svc("suffix-ignorecase") },
      { path: query({ targetRegex: "random" }), expectResponse: 404 },
      { path: query({ targetRegex: "RegexValue" }), expectResponse: 200, expectService: svc("regex") },
      { path: query({ targetContains: "random" }), expectResponse: 404 },
      { path: query({ targetContains: "ContainsValue" }), expectResponse: 200, expectService: svc("contains") },
      { path: query({ targetContains: "xxx ContainsValue xxx" }), expectResponse: 200, expectService: svc("contains") },
      { path: query({ targetContains: "containsvalueignorecase" }), expectResponse: 404, expectService: svc("contains") },
      { path: query({ targetContainsIgnoreCase: "ContainsValueIgnoreCase" }), expectResponse: 200, expectService: svc("contains-ignorecase") },
      { path: query({ targetPresent: "random" }), expectResponse: 200, expectService: svc("present") },
    ]);
  });

  it("first of multiple query params in a request is used for routing", async () => {
    const ns = "httpproxy-query-parameter-condition-multiple";
    await deployEcho(ctx.stack, ns, "echo-1");
    await deployEcho(ctx.stack, ns, "echo-2");
    const fqdn = "queryparam-multiple.projectcontour.io";
    await createHTTPProxy(kc(), ns, "query-parameter-multiple", {
      virtualhost: { fqdn },
      routes: [
        { services: [{ name: "echo-1", port: 80 }], conditions: [{ queryParameter: { name: "animal", exact: "whale" } }] },
        { services: [{ name: "echo-2", port: 80 }], conditions: [{ queryParameter: { name: "animal", exact: "dolphin" } }] },
      ],
    });
    await waitForProxyStatus(kc(), ns, "query-parameter-multiple", "valid");
    await check(fqdn, [
      { path: "/?animal=whale&animal=dolphin", expectResponse: 200, expectService: "echo-1" },
      { path: "/?animal=dolphin&animal=whale", expectResponse: 200, expectService: "echo-2" },
    ]);
  });
});
