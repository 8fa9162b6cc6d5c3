import assert from "node:assert/strict";
import { describe, it } from "mocha";
import type { Model, VirtualHost } from "../../controllers/model/model.js";
import { createTranslator } from "./translator.js";
import { translateModel } from "./translate-model.js";
import { loadGoldenCases, resourcesToJson } from "./test-support.js";

describe("createTranslator", () => {
  it("gives exactly translateModel's output for every golden case, on a first and a repeated run", () => {
    for (const c of loadGoldenCases()) {
      const translator = createTranslator(c.options);
      const want = resourcesToJson(translateModel(c.model, c.slices, c.options));
      assert.deepEqual(resourcesToJson(translator.translate(c.model, c.slices)), want, c.name);
      assert.deepEqual(resourcesToJson(translator.translate(c.model, c.slices)), want, `${c.name} (memoised)`);
    }
  });

  it("reuses the messages of unchanged model objects and rebuilds the changed ones", () => {
    const rich = loadGoldenCases().find((c) => c.model.clusters.length >= 2 && c.model.virtualHosts.length >= 2);
    assert.ok(rich, "a golden case with two clusters and two hosts");
    const translator = createTranslator(rich.options);
    const first = translator.translate(rich.model, rich.slices);

    // A new model in which one host changed (a new object), everything else is the same objects.
    const [changed, ...rest] = rich.model.virtualHosts as [VirtualHost, ...VirtualHost[]];
    const next: Model = { ...rich.model, virtualHosts: [{ ...changed, routes: [...changed.routes] }, ...rest] };
    const second = translator.translate(next, rich.slices);

    second.clusters.forEach((cluster, i) => assert.equal(cluster, first.clusters[i], `cluster ${cluster.name} reused`));
    second.endpoints.forEach((cla, i) => assert.equal(cla, first.endpoints[i], `assignment ${cla.clusterName} reused`));
    const hostOf = (resources: typeof first, fqdn: string) => resources.routes.flatMap((r) => r.virtualHosts).find((v) => v.name === fqdn);
    for (const vhost of rest) assert.equal(hostOf(second, vhost.fqdn), hostOf(first, vhost.fqdn), `host ${vhost.fqdn} reused`);
    assert.notEqual(hostOf(second, changed.fqdn), hostOf(first, changed.fqdn), "the changed host is rebuilt");
    assert.deepEqual(resourcesToJson(second), resourcesToJson(translateModel(next, rich.slices, rich.options)));
  });

  it("rebuilds an endpoint assignment when its Service's slices change", () => {
    const withSlices = loadGoldenCases().find((c) => c.slices.length > 0);
    assert.ok(withSlices, "a golden case with EndpointSlices");
    const translator = createTranslator(withSlices.options);
    const first = translator.translateEndpoints(withSlices.model, withSlices.slices);
    const replaced = withSlices.slices.map((s, i) => (i === 0 ? { ...s, endpoints: [] } : s));
    const second = translator.translateEndpoints(withSlices.model, replaced);
    assert.deepEqual(
      second.map((c) => c.endpoints.length),
      translateModel(withSlices.model, replaced, withSlices.options).endpoints.map((c) => c.endpoints.length),
    );
    assert.ok(second.some((cla, i) => cla !== first[i]), "at least one assignment was rebuilt");
  });
});
