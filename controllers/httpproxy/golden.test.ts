/**
 * Golden files: rich HTTPProxy trees (with an Ingress sharing a host) → the merged model and every
 * HTTPProxy's status view. Regenerate with `UPDATE_GOLDEN=1 npx mocha ...` after a deliberate change,
 * and review the diff.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import type { KubernetesObject, V1Ingress } from "@kubernetes/client-node";
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import { reconcileHTTPProxy, type HTTPProxyReconcileOptions } from "./reconcile-httpproxy.js";
import { proxyStatusView } from "./proxy-status.js";
import { isRootProxy } from "./walk-context.js";
import { reconcileIngress } from "../ingress/reconcile-ingress.js";
import { createModelStore } from "../store/model-store.js";
import { formatKey, keyOf } from "../source/object-cache.js";
import { cacheOf, ingress, path, port, rule, secret, service, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY, CA_CRT, RSA_CRT, RSA_KEY } from "../source/testdata/certs.js";
import { delegation, httpProxy, include, prefixRoute, rootProxy, to } from "./testdata/fixtures.js";

// Tests run from dist/; golden files live in the source tree so that updates land in git.
const TESTDATA = new URL("../../../controllers/httpproxy/testdata/", import.meta.url);

interface GoldenCase {
  readonly name: string;
  readonly objects: KubernetesObject[];
  readonly options?: HTTPProxyReconcileOptions;
}

const cases: GoldenCase[] = [
  {
    name: "shop-tree",
    objects: [
      service("storefront", [port(80, "http")], { namespace: "roots" }),
      service("blog", [port(80, "http")], { namespace: "marketing" }),
      service("blog-canary", [port(80, "http")], { namespace: "marketing" }),
      service("api", [port(8443, "https")], { namespace: "payments" }),
      tlsSecret("shop-cert", RSA_CRT, RSA_KEY, { namespace: "certs" }),
      secret("payments-ca", "Opaque", { "ca.crt": CA_CRT }, { namespace: "payments" }),
      delegation("shop", "certs", [{ secretName: "shop-cert", targetNamespaces: ["roots"] }]),
      rootProxy(
        "shop",
        "shop.example.com",
        {
          vhost: {
            tls: { secretName: "certs/shop-cert" },
            corsPolicy: { allowOrigin: ["https://www.example.com"], allowMethods: ["GET", "OPTIONS"], maxAge: "1h" },
            rateLimitPolicy: { local: { requests: 100, unit: "second", burst: 50 } },
          },
          includes: [
            include("blog", "/blog", "marketing"),
            include("payments", "/pay", "payments", [{ header: { name: "x-region", exact: "eu" } }]),
            include("not-yet", "/later", "marketing"),
          ],
          routes: [
            prefixRoute("/", [to("storefront", 80)], { timeoutPolicy: { response: "30s", idleConnection: "5m" } }),
            prefixRoute("/.well-known/health", [to("storefront", 80)], { permitInsecure: true }),
          ],
        },
        { namespace: "roots", generation: 3 },
      ),
      httpProxy(
        "blog",
        {
          routes: [
            prefixRoute("/", [to("blog", 80, { weight: 90 }), to("blog-canary", 80, { weight: 10 }), to("blog-canary", 80, { mirror: true, weight: 25 })], {
              retryPolicy: { count: 2, retryOn: ["5xx", "gateway-error"] },
              loadBalancerPolicy: { strategy: "Cookie" },
              responseHeadersPolicy: { set: [{ name: "cache-control", value: "max-age=60" }] },
            }),
            { conditions: [{ prefix: "/feed" }, { queryParameter: { name: "format", exact: "atom" } }], services: [to("blog", 80)], pathRewritePolicy: { replacePrefix: [{ replacement: "/atom" }] } },
            { conditions: [{ exact: "/old" }], requestRedirectPolicy: { path: "/blog/new", statusCode: 301 } },
            prefixRoute("/broken-svc", [to("ghost", 80)]),
          ],
        },
        { namespace: "marketing", generation: 1 },
      ),
      httpProxy(
        "payments",
        {
          routes: [
            prefixRoute("/", [to("api", 8443, { protocol: "h2", validation: { caSecret: "payments-ca", subjectName: "api.payments.svc" } })], {
              healthCheckPolicy: { path: "/ready", intervalSeconds: 10 },
              ipAllowPolicy: [{ source: "Remote", cidr: "10.0.0.0/8" }],
              enableWebsockets: true,
            }),
          ],
        },
        { namespace: "payments", generation: 7 },
      ),
      httpProxy("stray", { routes: [prefixRoute("/", [to("blog", 80)])] }, { namespace: "marketing" }),
      // cert-manager's HTTP-01 solver: an Ingress adds a route to the proxy's host (as in upstream), not its TLS.
      ingress("acme-solver", { rules: [rule("shop.example.com", path("/.well-known/acme-challenge/token", "storefront", 80, "Exact"))] }, { namespace: "roots" }),
    ],
  },
  {
    name: "tcp-proxies",
    objects: [
      service("db", [port(5432, "pg")], { namespace: "data" }),
      service("mail", [port(465, "smtps"), port(80, "http")], { namespace: "mail" }),
      tlsSecret("mail-cert", A_CRT, A_KEY, { namespace: "mail" }),
      rootProxy("db", "db.example.com", { vhost: { tls: { passthrough: true } }, tcpproxy: { include: { name: "db-backend", namespace: "data" } } }, { namespace: "data" }),
      httpProxy("db-backend", { tcpproxy: { services: [to("db", 5432)], healthCheckPolicy: { intervalSeconds: 5, unhealthyThresholdCount: 2 } } }, { namespace: "data" }),
      rootProxy(
        "mail",
        "mail.example.com",
        {
          vhost: { tls: { secretName: "mail-cert", minimumProtocolVersion: "1.3" } },
          tcpproxy: { services: [to("mail", 465)] },
          routes: [{ requestRedirectPolicy: { scheme: "https" }, permitInsecure: true }],
        },
        { namespace: "mail" },
      ),
    ],
  },
  {
    name: "conflicts",
    options: { rootNamespaces: ["roots"] },
    objects: [
      service("web", [port(80)], { namespace: "roots" }),
      service("web", [port(80)], { namespace: "team" }),
      rootProxy("first", "www.example.com", { includes: [include("app", "/", "team")] }, { namespace: "roots" }),
      rootProxy("second", "WWW.example.com", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "roots" }),
      rootProxy("squatter", "api.example.com", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "team" }),
      rootProxy("api", "api.example.com", { includes: [include("loop-a", "/a", "team"), include("squatter", "/s", "team")] }, { namespace: "roots" }),
      httpProxy("app", { routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "team" }),
      httpProxy("loop-a", { includes: [include("loop-b", "/b")], routes: [prefixRoute("/", [to("web", 80)])] }, { namespace: "team" }),
      httpProxy("loop-b", { includes: [include("loop-a", "/a")] }, { namespace: "team" }),
    ],
  },
];

function render(c: GoldenCase): string {
  const cache = cacheOf(...c.objects);
  const store = createModelStore();
  const proxies = cache.list<HTTPProxy>("HTTPProxy");
  for (const p of proxies) if (isRootProxy(p)) store.put(keyOf("HTTPProxy", p), reconcileHTTPProxy(cache, p, c.options ?? {}));
  for (const i of cache.list<V1Ingress>("Ingress")) store.put(keyOf("Ingress", i), reconcileIngress(cache, i));
  const statuses: Record<string, unknown> = {};
  for (const p of proxies) {
    const key = keyOf("HTTPProxy", p);
    statuses[formatKey(key)] = proxyStatusView(isRootProxy(p) ? store.conditions(key) : store.relatedConditions(key), p.metadata?.generation);
  }
  for (const i of cache.list<V1Ingress>("Ingress")) statuses[formatKey(keyOf("Ingress", i))] = store.conditions(keyOf("Ingress", i));
  return `${JSON.stringify({ model: store.model(), statuses }, null, 2)}\n`;
}

describe("reconcileHTTPProxy golden files", () => {
  for (const c of cases) {
    it(c.name, () => {
      const file = new URL(`${c.name}.json`, TESTDATA);
      const got = render(c);
      if (process.env["UPDATE_GOLDEN"] === "1") writeFileSync(file, got);
      assert.equal(got, readFileSync(file, "utf8"), `golden file ${c.name}.json differs; rerun with UPDATE_GOLDEN=1 if the change is intended`);
    });
  }

  it("renders identically every time", () => {
    for (const c of cases) assert.equal(render(c), render(c));
  });
});
