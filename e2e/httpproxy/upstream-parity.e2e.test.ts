// HTTPProxy behaviour ported from upstream Contour v1.33.6's own e2e suite (test/e2e/httpproxy/), through
// a real kube-apiserver, `contour serve` and a real Envoy:
// - header_condition_match_test.go (notexact / notcontains, ignoreCase, treatMissingAsEmpty);
// - dynamic_headers_test.go (upstream's allow-list of Envoy variables in header values, all else literal);
// - host_header_rewrite_test.go, testHostRewriteHeaderHTTPService (Host from a request header);
// - multiple_ingress_classes_test.go (--ingress-class-name contour,team1, for HTTPProxy and Ingress).
// Which route answered is told by a response header each route sets (upstream deploys one echo
// Service per route instead; the routes and the requests are the same).
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import type { HTTPProxySpec } from "../../crds/index.js";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { applyEndpointSlice, createIngress, createService, ensureNamespace, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import type { BackendReply } from "../harness/backends.js";

const NS = "parity";

type Route = NonNullable<HTTPProxySpec["routes"]>[number];
type Condition = NonNullable<Route["conditions"]>[number];

/** A route to "echo" that names itself in the X-Route response header. */
const tagged = (name: string, conditions: Condition[]): Route => ({
  conditions,
  services: [{ name: "echo", port: 80 }],
  responseHeadersPolicy: { set: [{ name: "X-Route", value: name }] },
});

describe("HTTPProxy: upstream's e2e suite, ported", function () {
  const ctx = useStack({ pods: ["echo-1"], crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  let echoReady = false;
  /** The one backend, made by whichever test runs first (each can run alone with --grep). */
  async function echo(): Promise<void> {
    if (echoReady) return;
    echoReady = true;
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "echo", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "echo", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
  }

  it("header_condition_match_test.go: routes on present, contains, exact, their inversions, ignoreCase and treatMissingAsEmpty", async () => {
    await echo();
    const fqdn = "headerconditions.projectcontour.io";
    await createHTTPProxy(kc(), NS, "header-conditions", {
      virtualhost: { fqdn },
      routes: [
        tagged("present", [{ header: { name: "Target-Present", present: true } }]),
        tagged("contains", [{ header: { name: "Target-Contains", contains: "ContainsValue" } }]),
        tagged("contains-case-insensitive", [{ header: { name: "Target-Contains", contains: "cOnTainSvalue", ignoreCase: true } }]),
        tagged("notcontains", [{ header: { name: "Target-NotContains", notcontains: "ContainsValue" } }]),
        tagged("notcontains-set-missing-as-empty", [
          { header: { name: "Target-NotContains", notcontains: "ContainsValue", treatMissingAsEmpty: true } },
          { header: { name: "X-Force-NotContains-Case", exact: "True" } },
        ]),
        tagged("exact", [{ header: { name: "Target-Exact", exact: "ExactValue" } }]),
        tagged("exact-case-insensitive", [{ header: { name: "Target-Exact", exact: "exactvalue", ignoreCase: true } }]),
        tagged("notexact", [{ header: { name: "Target-NotExact", notexact: "ExactValue" } }]),
        tagged("notexact-set-missing-as-empty", [
          { header: { name: "Target-NotExact", notcontains: "ExactValue", treatMissingAsEmpty: true } },
          { header: { name: "X-Force-NotExact-Case", exact: "True" } },
        ]),
        // Not in upstream's file: notexact / notcontains with ignoreCase.
        tagged("notexact-case-insensitive", [{ header: { name: "Target-NotExactI", notexact: "ExactValue", ignoreCase: true } }]),
        tagged("notcontains-case-insensitive", [{ header: { name: "Target-NotContainsI", notcontains: "ContainsValue", ignoreCase: true } }]),
        tagged("regex", [{ header: { name: "Target-Regex", regex: "Regex.*" } }]),
      ],
    });
    const proxy = await waitForProxyStatus(kc(), NS, "header-conditions", "valid");
    assert.deepEqual(proxy.status?.conditions?.[0]?.warnings ?? [], [], "treatMissingAsEmpty is no longer ignored");
    await ctx.stack.waitForHttp(fqdn, "/", (r) => r.status === 200, `${fqdn} to be served`, { headers: { "Target-Present": "x" } });

    const cases: [Record<string, string>, number, string?][] = [
      [{ "Target-Present": "random" }, 200, "present"],
      [{ "Target-Contains": "random" }, 404],
      [{ "Target-Contains": "ContainsValue" }, 200, "contains"],
      [{ "Target-Contains": "xxx ContainsValue xxx" }, 200, "contains"],
      [{ "Target-Contains": "cOnTainSvalue" }, 200, "contains-case-insensitive"],
      [{ "Target-NotContains": "ContainsValue" }, 404],
      [{ "X-Force-NotContains-Case": "True" }, 200, "notcontains-set-missing-as-empty"],
      [{ "Target-NotContains": "xxx ContainsValue xxx" }, 404],
      [{ "Target-NotContains": "random" }, 200, "notcontains"],
      [{ "Target-Exact": "random" }, 404],
      [{ "Target-Exact": "NotExactValue" }, 404],
      [{ "Target-Exact": "ExactValue" }, 200, "exact"],
      [{ "Target-Exact": "eXacTValue" }, 200, "exact-case-insensitive"],
      [{ "Target-NotExact": "random" }, 200, "notexact"],
      [{ "Target-NotExact": "NotExactValue" }, 200, "notexact"],
      [{ "Target-NotExact": "ExactValue" }, 404],
      [{ "X-Force-NotExact-Case": "True" }, 200, "notexact-set-missing-as-empty"],
      [{ "Target-NotExactI": "eXaCtvAlUe" }, 404],
      [{ "Target-NotExactI": "other" }, 200, "notexact-case-insensitive"],
      [{ "Target-NotContainsI": "a cOnTaInSvAlUe b" }, 404],
      [{ "Target-NotContainsI": "other" }, 200, "notcontains-case-insensitive"],
      [{ "Target-Regex": "RegexMatch" }, 200, "regex"],
      [{ "Target-Regex": "NonMatching" }, 404],
    ];
    const failures: string[] = [];
    for (const [headers, status, route] of cases) {
      const res = await ctx.stack.http(fqdn, "/", { headers });
      const got = res.status === 200 ? `200 ${String(res.headers["x-route"])}` : String(res.status);
      const want = route === undefined ? String(status) : `${status} ${route}`;
      if (got !== want) failures.push(`${JSON.stringify(headers)}: want ${want}, got ${got}`);
    }
    assert.deepEqual(failures, []);

    // Upstream tests notpresent apart: with Target-Present routed elsewhere, its absence matches.
    await createHTTPProxy(kc(), NS, "header-notpresent", {
      virtualhost: { fqdn: "headernotpresent.projectcontour.io" },
      routes: [tagged("present", [{ header: { name: "Target-Present", present: true } }]), tagged("notpresent", [{ header: { name: "Target-Present", notpresent: true } }])],
    });
    const res = await ctx.stack.waitForHttp("headernotpresent.projectcontour.io", "/", (r) => r.status === 200, "notpresent to match");
    assert.equal(res.headers["x-route"], "notpresent");
    assert.equal((await ctx.stack.http("headernotpresent.projectcontour.io", "/", { headers: { "Target-Present": "x" } })).headers["x-route"], "present");
  });

  it("dynamic_headers_test.go: upstream's Envoy variables are evaluated, everything else is literal", async () => {
    await echo();
    const fqdn = "dynamicheaders.projectcontour.io";
    const values: Record<string, string> = {
      "X-App-Weight": "100%",
      "X-Envoy-Hostname": "%HOSTNAME%",
      "X-Envoy-Unknown": "%UNKNOWN%",
      "X-Envoy-Start-Time": "%START_TIME%",
      "X-Envoy-Upstream-Remote-Address": "%UPSTREAM_REMOTE_ADDRESS%",
      "X-Request-Host": "%REQ(Host)%",
      "X-Request-Missing-Header": "%REQ(Missing-Header)%ook",
      "X-Host-Protocol": "%REQ(Host)% - %PROTOCOL%",
    };
    const set = (extra: Record<string, string>) => Object.entries({ ...values, ...extra }).map(([name, value]) => ({ name, value }));
    await createHTTPProxy(kc(), NS, "dynamic-headers", {
      virtualhost: { fqdn },
      routes: [
        {
          services: [{ name: "echo", port: 80, requestHeadersPolicy: { set: [{ name: "X-Contour-Service", value: "%CONTOUR_SERVICE_NAME%:%CONTOUR_SERVICE_PORT%" }] } }],
          requestHeadersPolicy: { set: set({ "Request-Header": "foo", "X-Contour-Namespace": "%CONTOUR_NAMESPACE%" }) },
          responseHeadersPolicy: { set: set({ "Response-Header": "bar" }) },
        },
      ],
    });
    await waitForProxyStatus(kc(), NS, "dynamic-headers", "valid");
    const res = await ctx.stack.waitForHttp(fqdn, "/", (r) => r.status === 200, `${fqdn} to be served`);
    const body = res.json<BackendReply>();
    const { bed } = ctx.stack;
    for (const [where, headers] of [["request", body.headers], ["response", res.headers]] as const) {
      const h = (name: string) => String(headers[name.toLowerCase()]);
      assert.equal(h("X-App-Weight"), "100%", where);
      assert.ok(h("X-Envoy-Hostname").length > 0 && !h("X-Envoy-Hostname").includes("%"), `${where}: %HOSTNAME% is Envoy's host name, got ${h("X-Envoy-Hostname")}`);
      assert.equal(h("X-Envoy-Unknown"), "%UNKNOWN%", where);
      assert.equal(h("X-Envoy-Start-Time"), "%START_TIME%", `${where}: not on upstream's list, so literal`);
      assert.equal(h("X-Request-Host"), fqdn, where);
      assert.equal(h("X-Request-Missing-Header"), "ook", where);
      assert.equal(h("X-Host-Protocol"), `${fqdn} - HTTP/1.1`, where);
    }
    // Envoy knows the upstream address only once it has picked one, so on responses.
    assert.equal(String(res.headers["x-envoy-upstream-remote-address"]), `${bed.pods[0]!.ip}:${bed.pods[0]!.port}`);
    assert.equal(body.headers["request-header"], "foo");
    assert.equal(res.headers["response-header"], "bar");
    assert.equal(body.headers["x-contour-namespace"], NS);
    assert.equal(body.headers["x-contour-service"], "echo:80");
  });

  it("host_header_rewrite_test.go: a route's Host %REQ(x-host-rewrite)% rewrites Host from that header", async () => {
    await echo();
    const fqdn = "dynamichostrewrite.projectcontour.io";
    await createHTTPProxy(kc(), NS, "host-header-rewrite", {
      virtualhost: { fqdn },
      routes: [{ services: [{ name: "echo", port: 80 }], requestHeadersPolicy: { set: [{ name: "Host", value: "%REQ(x-host-rewrite)%" }] } }],
    });
    await waitForProxyStatus(kc(), NS, "host-header-rewrite", "valid");
    const res = await ctx.stack.waitForHttp(fqdn, "/", (r) => r.status === 200, `${fqdn} to be served`, { headers: { "x-host-rewrite": "dynamichostrewritten.com" } });
    assert.equal(res.json<BackendReply>().headers.host, "dynamichostrewritten.com");
  });
});

describe("HTTPProxy and Ingress: --ingress-class-name contour,team1 (multiple_ingress_classes_test.go)", function () {
  const ctx = useStack({ pods: ["echo-1"], crds: true, contourArgs: ["--ingress-class-name=contour,team1"] });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("serves the objects of every class named, by spec field and by annotation, and nothing else", async () => {
    const { bed, kube } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "echo", [{ name: "http", port: 80 }]);
    await applyEndpointSlice(kube, NS, "echo", "http", [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    const route = { services: [{ name: "echo", port: 80 }] };
    for (const cls of ["contour", "team1", "team2"]) {
      await createHTTPProxy(kc(), NS, `field-${cls}`, { ingressClassName: cls, virtualhost: { fqdn: `field-${cls}.projectcontour.io` }, routes: [route] });
      await createHTTPProxy(kc(), NS, `annotation-${cls}`, { virtualhost: { fqdn: `annotation-${cls}.projectcontour.io` }, routes: [route] }, { "projectcontour.io/ingress.class": cls });
      await createIngress(kube, NS, `ingress-${cls}`, { ...simpleIngressSpec(`ingress-${cls}.projectcontour.io`, "echo", 80), ingressClassName: cls });
    }
    for (const cls of ["contour", "team1"]) {
      for (const kind of ["field", "annotation", "ingress"]) {
        await ctx.stack.waitForHttp(`${kind}-${cls}.projectcontour.io`, "/", (r) => r.status === 200, `${kind}-${cls} to be served`);
      }
      await waitForProxyStatus(kc(), NS, `field-${cls}`, "valid");
    }
    for (const kind of ["field", "annotation", "ingress"]) {
      assert.equal((await ctx.stack.http(`${kind}-team2.projectcontour.io`, "/")).status, 404, `${kind}-team2 is another controller's`);
    }
  });
});
