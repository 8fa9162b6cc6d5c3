/**
 * Golden files: a few rich sets of objects → the merged model and every Ingress's conditions.
 * Regenerate with `UPDATE_GOLDEN=1 npx mocha ...` after a deliberate change, and review the diff.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import type { KubernetesObject, V1Ingress } from "@kubernetes/client-node";
import { reconcileIngress, type IngressReconcileOptions } from "./reconcile-ingress.js";
import { createModelStore } from "../store/model-store.js";
import { formatKey, keyOf } from "../source/object-cache.js";
import { cacheOf, ingress, ingressClass, path, port, rule, service, tlsDelegation, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY, B_KEY, RSA_CRT, RSA_KEY } from "../source/testdata/certs.js";

// Tests run from dist/; golden files live in the source tree so that updates land in git.
const TESTDATA = new URL("../../../controllers/ingress/testdata/", import.meta.url);

interface GoldenCase {
  readonly name: string;
  readonly objects: KubernetesObject[];
  readonly options?: IngressReconcileOptions;
}

const cases: GoldenCase[] = [
  {
    name: "shop-tls",
    objects: [
      service("storefront", [port(80, "http"), port(443, "https", { appProtocol: "https" })], { namespace: "shop", annotations: { "projectcontour.io/max-connections": "1024", "projectcontour.io/max-requests": "bogus" } }),
      service("checkout", [port(8080, "web")], { namespace: "shop", annotations: { "projectcontour.io/upstream-protocol.h2c": "web" } }),
      service("fallback", [port(80)], { namespace: "shop" }),
      tlsSecret("shop-cert", A_CRT, A_KEY, { namespace: "shop" }),
      ingress(
        "shop",
        {
          ingressClassName: "contour",
          defaultBackend: { service: { name: "fallback", port: { number: 80 } } },
          tls: [{ hosts: ["shop.example.com", "*.shop.example.com"], secretName: "shop-cert" }],
          rules: [
            rule("shop.example.com", path("/", "storefront", "http"), path("/checkout", "checkout", 8080), path("/checkout/ws", "checkout", 8080, "Exact"), path("/assets/v[0-9]+/", "storefront", 443, "ImplementationSpecific")),
            rule("*.shop.example.com", path("/", "storefront", 80)),
          ],
        },
        {
          namespace: "shop",
          annotations: {
            "ingress.kubernetes.io/force-ssl-redirect": "true",
            "projectcontour.io/response-timeout": "45s",
            "projectcontour.io/retry-on": "5xx,connect-failure",
            "projectcontour.io/num-retries": "2",
            "projectcontour.io/per-try-timeout": "500ms",
            "projectcontour.io/websocket-routes": "/checkout/ws",
            "projectcontour.io/tls-minimum-protocol-version": "1.3",
          },
        },
      ),
      ingressClass("contour", "projectcontour.io/ingress-controller"),
    ],
  },
  {
    name: "shared-host",
    objects: [
      service("blog", [port(80)], { namespace: "blog" }),
      service("docs", [port(80)], { namespace: "docs" }),
      tlsSecret("wildcard", RSA_CRT, RSA_KEY, { namespace: "certs" }),
      tlsSecret("docs-own", A_CRT, A_KEY, { namespace: "docs" }),
      tlsDelegation("wildcard", "certs", [{ secretName: "wildcard", targetNamespaces: ["blog"] }]),
      // The blog owns the host's certificate (delegated from "certs") and "/"; docs adds "/docs"
      // and also claims "/" and a different certificate: both of those lose to the blog, which sorts first.
      ingress("blog", { tls: [{ hosts: ["www.example.com"], secretName: "certs/wildcard" }], rules: [rule("www.example.com", path("/", "blog", 80))] }, { namespace: "blog" }),
      ingress("docs", { tls: [{ hosts: ["www.example.com"], secretName: "docs-own" }], rules: [rule("www.example.com", path("/docs", "docs", 80), path("/", "docs", 80))] }, { namespace: "docs" }),
      // Not delegated to this namespace: its host is served without TLS.
      ingress("thief", { tls: [{ hosts: ["thief.example.com"], secretName: "certs/wildcard" }], rules: [rule("thief.example.com", path("/", "docs", 80))] }, { namespace: "docs" }),
      // Another controller's Ingress: nothing from it, no conditions.
      ingress("other", { rules: [rule("www.example.com", path("/", "docs", 80))] }, { namespace: "docs", annotations: { "kubernetes.io/ingress.class": "nginx" } }),
    ],
  },
  {
    name: "broken",
    objects: [
      service("app", [port(80, "http")], { namespace: "team" }),
      tlsSecret("mismatch", A_CRT, B_KEY, { namespace: "team" }),
      ingress(
        "broken",
        {
          tls: [{ hosts: ["app.example.com"], secretName: "mismatch" }],
          rules: [
            rule("app.example.com", path("/ok", "app", "http"), path("/missing", "ghost", 80), path("/port", "app", 9999), path("/(a+)+$", "app", 80, "ImplementationSpecific")),
            rule("UPPER.example.com", path("/", "app", 80)),
          ],
        },
        {
          namespace: "team",
          annotations: {
            "projectcontour.io/response-timeout": "forever",
            "projectcontour.io/retry-on": "5xx,sometimes",
            "projectcontour.io/num-retries": "-5",
            "projectcontour.io/websocket-routes": "ws",
            "projectcontour.io/tls-minimum-protocol-version": "1.0",
          },
        },
      ),
    ],
  },
];

function render(c: GoldenCase): string {
  const cache = cacheOf(...c.objects);
  const store = createModelStore();
  const ingresses = cache.list<V1Ingress>("Ingress");
  for (const ing of ingresses) store.put(keyOf("Ingress", ing), reconcileIngress(cache, ing, c.options ?? {}));
  const conditions: Record<string, unknown> = {};
  for (const ing of ingresses) {
    const key = keyOf("Ingress", ing);
    conditions[formatKey(key)] = store.conditions(key);
  }
  return `${JSON.stringify({ model: store.model(), conditions }, null, 2)}\n`;
}

describe("reconcileIngress golden files", () => {
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
