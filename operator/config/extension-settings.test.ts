import assert from "node:assert/strict";
import { parseConfigFile } from "./parse-config-file.js";
import { buildEnvoyOptions } from "./envoy-options.js";
import { readRateLimitService, readTracing } from "./extension-settings.js";

/** The translator options a config file's text gives, or its errors. */
function envoyOptionsOf(text: string): { options: Record<string, unknown>; errors: readonly string[] } {
  const file = parseConfigFile(text, "c.yaml");
  const built = buildEnvoyOptions(file.applied);
  return { options: built.options as Record<string, unknown>, errors: [...file.errors, ...built.errors] };
}

describe("config file: rateLimitService and tracing", () => {
  it("reads upstream's rateLimitService example, default policy included", () => {
    const got = envoyOptionsOf(`
rateLimitService:
  extensionService: projectcontour/ratelimit
  domain: contour
  failOpen: true
  enableXRateLimitHeaders: true
  enableResourceExhaustedCode: true
  defaultGlobalRateLimitPolicy:
    descriptors:
      - entries:
          - remoteAddress: {}
`);
    assert.deepEqual(got.errors, []);
    assert.deepEqual(got.options["rateLimitService"], {
      extensionService: { namespace: "projectcontour", name: "ratelimit" },
      domain: "contour",
      failOpen: true,
      enableXRateLimitHeaders: true,
      enableResourceExhaustedCode: true,
      defaultGlobalRateLimitPolicy: { descriptors: [{ entries: [{ remoteAddress: {} }] }] },
    });
  });

  it("defaults the switches to false and configures nothing without an extensionService", () => {
    assert.deepEqual(readRateLimitService({ extensionService: "ns/rls", domain: "d" }, "c.yaml").value, {
      extensionService: { namespace: "ns", name: "rls" },
      domain: "d",
      failOpen: false,
      enableXRateLimitHeaders: false,
      enableResourceExhaustedCode: false,
    });
    assert.deepEqual(readRateLimitService({}, "c.yaml"), { value: null, errors: [] });
  });

  const badRateLimit: [string, unknown, RegExp][] = [
    ["a name without namespace", { extensionService: "ratelimit", domain: "d" }, /rateLimitService\.extensionService in c\.yaml: must be <namespace>\/<name>/],
    ["no domain", { extensionService: "ns/rls" }, /rateLimitService\.domain in c\.yaml: must be set/],
    ["a key upstream does not have", { extensionService: "ns/rls", domain: "d", failopen: true }, /unknown setting "rateLimitService\.failopen".*failOpen/],
    ["a non-boolean switch", { extensionService: "ns/rls", domain: "d", failOpen: "yes" }, /rateLimitService\.failOpen in c\.yaml: must be true or false/],
    ["settings without extensionService", { domain: "d" }, /extensionService in c\.yaml: must be set/],
    [
      "a default policy Envoy could not use",
      { extensionService: "ns/rls", domain: "d", defaultGlobalRateLimitPolicy: { descriptors: [{ entries: [{ genericKey: { value: "" } }] }] } },
      /^rateLimitService\.defaultGlobalRateLimitPolicy\.descriptors\[0\]\.entries\[0\]: genericKey\.value must not be empty \(in c\.yaml\)/,
    ],
  ];
  for (const [what, value, message] of badRateLimit) {
    it(`refuses a rateLimitService with ${what}`, () => {
      const got = readRateLimitService(value, "c.yaml");
      assert.equal(got.value, null);
      assert.ok(got.errors.some((e) => message.test(e)), got.errors.join("\n"));
    });
  }

  it("reads tracing with upstream's defaults", () => {
    const got = envoyOptionsOf("tracing:\n  extensionService: projectcontour/otel\n");
    assert.deepEqual(got.errors, []);
    assert.deepEqual(got.options["tracing"], {
      extensionService: { namespace: "projectcontour", name: "otel" },
      serviceName: "contour",
      overallSamplingPercent: 100,
      maxPathTagLength: 256,
      includePodDetail: true,
      customTags: [],
    });
  });

  it("reads every tracing setting; a sampling of 0 or text means 100, as upstream", () => {
    const got = readTracing(
      {
        extensionService: "ns/otel",
        serviceName: "edge",
        overallSampling: "12.5",
        maxPathTagLength: 64,
        includePodDetail: false,
        customTags: [{ tagName: "team", literal: "edge" }, { tagName: "tenant", requestHeaderName: "X-Tenant" }],
      },
      "c.yaml",
    );
    assert.deepEqual(got, {
      value: {
        extensionService: { namespace: "ns", name: "otel" },
        serviceName: "edge",
        overallSamplingPercent: 12.5,
        maxPathTagLength: 64,
        includePodDetail: false,
        customTags: [{ tagName: "team", literal: "edge" }, { tagName: "tenant", requestHeaderName: "X-Tenant" }],
      },
      errors: [],
    });
    assert.equal(readTracing({ extensionService: "ns/otel", overallSampling: "0" }, "c.yaml").value?.overallSamplingPercent, 100);
    assert.equal(readTracing({ extensionService: "ns/otel", overallSampling: "lots" }, "c.yaml").value?.overallSamplingPercent, 100);
  });

  const badTracing: [string, unknown, RegExp][] = [
    ["no extensionService", { serviceName: "x" }, /tracing\.extensionService in c\.yaml: must be defined/],
    ["a tag without a name", { extensionService: "ns/o", customTags: [{ literal: "a" }] }, /tagName in c\.yaml: must be defined/],
    ["two tags of one name", { extensionService: "ns/o", customTags: [{ tagName: "a", literal: "1" }, { tagName: "a", literal: "2" }] }, /tagName a is duplicate/],
    ["a tag with both values", { extensionService: "ns/o", customTags: [{ tagName: "a", literal: "1", requestHeaderName: "X-A" }] }, /exactly one of literal and requestHeaderName/],
    ["a sampling above 100", { extensionService: "ns/o", overallSampling: "150" }, /between 0 and 100/],
    ["an unknown key", { extensionService: "ns/o", servicename: "x" }, /unknown setting "tracing\.servicename"/],
  ];
  for (const [what, value, message] of badTracing) {
    it(`refuses tracing with ${what}`, () => {
      const got = readTracing(value, "c.yaml");
      assert.equal(got.value, null);
      assert.ok(got.errors.some((e) => message.test(e)), got.errors.join("\n"));
    });
  }
});
