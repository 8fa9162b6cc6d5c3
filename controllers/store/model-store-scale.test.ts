/**
 * Scale figures for the store (printed, never asserted on time: CI machines vary).
 * 10,000 Ingresses reconciled, merged, then one of them changed.
 */
import assert from "node:assert/strict";
import type { KubernetesObject, V1Ingress } from "@kubernetes/client-node";
import { createModelStore } from "./model-store.js";
import { reconcileIngress } from "../ingress/reconcile-ingress.js";
import { createTlsSecretValidator } from "../secrets/tls-secret-validation.js";
import { keyOf } from "../source/object-cache.js";
import { cacheOf, ingress, path, port, rule, service, tlsSecret } from "../source/testdata/fixtures.js";
import { A_CRT, A_KEY } from "../source/testdata/certs.js";

const COUNT = 10_000;
const NAMESPACES = 100;

function time<T>(f: () => T): [T, number] {
  const started = process.hrtime.bigint();
  const value = f();
  return [value, Number(process.hrtime.bigint() - started) / 1e6];
}

describe("createModelStore at scale", function () {
  this.timeout(120_000);

  it(`merges ${COUNT.toLocaleString("en")} Ingresses`, () => {
    const objects: KubernetesObject[] = [];
    for (let n = 0; n < NAMESPACES; n++) {
      const ns = `ns-${n}`;
      objects.push(service("web", [port(80, "http")], { namespace: ns }), service("api", [port(9000, "grpc")], { namespace: ns }), tlsSecret("cert", A_CRT, A_KEY, { namespace: ns }));
    }
    for (let i = 0; i < COUNT; i++) {
      const ns = `ns-${i % NAMESPACES}`;
      objects.push(
        ingress(
          `ing-${i}`,
          {
            tls: i % 4 === 0 ? [{ hosts: [`app-${i}.example.com`], secretName: "cert" }] : [],
            rules: [
              rule(`app-${i}.example.com`, path("/", "web", 80), path(`/api/v${i % 3}`, "api", "grpc")),
              // Everyone also adds a path to the shared default host: the worst case for merging one fqdn.
              rule("", path(`/shared/${i}`, "web", 80)),
            ],
          },
          { namespace: ns },
        ),
      );
    }
    const cache = cacheOf(...objects);
    const validate = createTlsSecretValidator();
    const ingresses = cache.list<V1Ingress>("Ingress");
    const [fragments, reconcileMs] = time(() => ingresses.map((ing) => [keyOf("Ingress", ing), reconcileIngress(cache, ing, { validateTlsSecret: validate })] as const));

    const store = createModelStore();
    const [, putMs] = time(() => {
      for (const [k, f] of fragments) store.put(k, f);
    });
    const [model, mergeMs] = time(() => store.model());
    assert.equal(model.virtualHosts.length, COUNT + 1);
    assert.equal(model.virtualHosts.find((v) => v.fqdn === "*")?.routes.length, COUNT);
    assert.equal(model.clusters.length, 2 * NAMESPACES);
    // Ingresses with TLS (every 4th) live in every 4th namespace, each with its own copy of the Secret.
    assert.equal(model.secrets.length, NAMESPACES / 4);

    // One Ingress changes: only its hosts (its own and the shared "*") are merged again.
    const [first] = fragments;
    assert.ok(first !== undefined);
    const changed = reconcileIngress(cache, ingress("ing-0", { rules: [rule("app-0.example.com", path("/v2", "web", 80)), rule("", path("/shared/0", "web", 80))] }, { namespace: "ns-0" }));
    const [, updateMs] = time(() => {
      store.put(first[0], changed);
      return store.model();
    });
    const [, otherUpdateMs] = time(() => {
      store.put(first[0], first[1]);
      return store.model();
    });
    const lone = reconcileIngress(cache, ingress("lone", { rules: [rule("lone.example.com", path("/", "web", 80))] }, { namespace: "ns-1" }));
    const [, loneMs] = time(() => {
      store.put({ kind: "Ingress", namespace: "ns-1", name: "lone" }, lone);
      return store.model();
    });
    const [deps, dependentsMs] = time(() => store.dependents({ kind: "Service", namespace: "ns-7", name: "web" }));
    assert.equal(deps.length, COUNT / NAMESPACES);

    console.log(
      [
        `      ${COUNT} Ingresses: reconcile ${reconcileMs.toFixed(0)} ms, put ${putMs.toFixed(0)} ms, first model() ${mergeMs.toFixed(0)} ms`,
        `      one Ingress changed: put + model() ${updateMs.toFixed(1)} ms and ${otherUpdateMs.toFixed(1)} ms (shared "*" host of ${COUNT} routes re-merged)`,
        `      a new Ingress with a host of its own: put + model() ${loneMs.toFixed(1)} ms`,
        `      dependents(Service) → ${deps.length} sources in ${dependentsMs.toFixed(2)} ms`,
      ].join("\n"),
    );
  });
});
