// Port of upstream Contour v1.33.6's test/e2e/httpproxy/envoy_compression_test.go (the four compression
// contexts of httpproxy_test.go): Envoy compresses a direct response with gzip by default, with brotli or
// zstd when the config file's compression.algorithm says so, and not at all when it is `disabled`.
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { ensureNamespace } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { contourConfigFile, requestUntil } from "./upstream-port-fixture.js";

function testEnvoyDisableCompression(namespace: string, algorithm: string | undefined, acceptEncoding: string, contentEncoding: string, disabled: boolean): void {
  const testSpec = disabled ? "responses are plaintext when compression disabled" : `responses compressed with accept-encoding ${acceptEncoding} expecting content-encoding ${contentEncoding}`;
  const ctx = useStack({ crds: true, ...(algorithm === undefined ? {} : { contourArgs: [`--config-path=${contourConfigFile(`compression:\n  algorithm: ${algorithm}\n`)}`] }) });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it(testSpec, async () => {
    const resp = "minimum_text_to_enable_gzip".repeat(6);
    const fqdn = `${namespace}-fqdn.projectcontour.io`;
    await ensureNamespace(ctx.stack.kube, namespace);
    await createHTTPProxy(kc(), namespace, "direct-response", {
      virtualhost: { fqdn },
      routes: [{ conditions: [{ prefix: "/directresponse" }], directResponsePolicy: { statusCode: 200, body: resp } }],
    });
    await waitForProxyStatus(kc(), namespace, "direct-response", "valid");
    // Upstream retries the request and the Content-Encoding assertion together (EventuallyWithT).
    await requestUntil(
      ctx.stack,
      { host: fqdn, path: "/directresponse", headers: { "Accept-Encoding": `${acceptEncoding}, deflate` } },
      (res) => res.status === 200 && (disabled ? res.headers["content-encoding"] !== contentEncoding : res.headers["content-encoding"] === contentEncoding),
      disabled ? "expected plain text" : `expected content-encoding ${contentEncoding}`,
    );
  });
}

describe("httpproxy/envoy_compression_test.go", function () {
  describe("httpproxy-default-compression", function () {
    testEnvoyDisableCompression("httpproxy-default-compression", undefined, "gzip", "gzip", false);
  });
  describe("httpproxy-disable-compression: with compression disabled", function () {
    testEnvoyDisableCompression("httpproxy-disable-compression", "disabled", "gzip", "gzip", true);
  });
  describe("httpproxy-brotli-compression: with brotli compression", function () {
    testEnvoyDisableCompression("httpproxy-brotli-compression", "brotli", "br", "br", false);
  });
  describe("httpproxy-zstd-compression: with zstd compression", function () {
    testEnvoyDisableCompression("httpproxy-zstd-compression", "zstd", "zstd", "zstd", false);
  });
});
