// Port of upstream Contour v1.33.6's test/e2e/httpproxy/grpc_test.go ("gRPC tests": grpc-upstream-plaintext
// "requests to a gRPC service configured with plaintext work as expected", grpc-web "grpc-Web HTTP
// requests to a gRPC service work as expected"). Upstream's yages server and Go gRPC client become
// fixtures/yages.ts (raw gRPC over node:http2), its self-signed cert-manager certificate a self-signed Secret.
import assert from "node:assert/strict";
import { request } from "node:https";
import { describe, it } from "mocha";
import { createHTTPProxy, waitForProxyStatus } from "../fixtures/contour-objects.js";
import { createTlsSecret } from "../fixtures/kube-objects.js";
import { selfSignedCert } from "../fixtures/serving-cert.js";
import { useStack } from "../fixtures/stack.js";
import { decodeText, deployGrpcEcho, pingWithRetries } from "../fixtures/yages.js";
import { waitFor } from "../harness/index.js";

describe("httpproxy/grpc_test.go", function () {
  const ctx = useStack({ crds: true });
  const kc = () => ctx.stack.bed.apiserver.makeKubeConfig();

  it("requests to a gRPC service configured with plaintext work as expected", async () => {
    const { stack } = ctx;
    const ns = "grpc-upstream-plaintext";
    const fqdn = "grpc-echo-plaintext.projectcontour.io";
    await deployGrpcEcho(stack, ns, "grpc-echo");
    const cert = await selfSignedCert([fqdn]);
    await createTlsSecret(stack.kube, ns, "echo", cert.certPem, cert.keyPem);
    await createHTTPProxy(kc(), ns, "grpc-echo-plaintext", {
      virtualhost: { fqdn, tls: { secretName: "echo" } },
      routes: [{ permitInsecure: true, services: [{ name: "grpc-echo", port: 9000, protocol: "h2c" }], conditions: [{ prefix: "/yages.Echo/Ping" }] }],
    });
    await waitForProxyStatus(kc(), ns, "grpc-echo-plaintext", "valid");

    for (const url of [`http://127.0.0.1:${stack.envoyPorts.http}`, `https://127.0.0.1:${stack.envoyPorts.https}`]) {
      const resp = await pingWithRetries(url, fqdn);
      assert.equal(resp.code, 0, `gRPC error code ${resp.code} (${resp.message}) through ${url}`);
      assert.equal(resp.text, "pong");
    }
  });

  it("grpc-Web HTTP requests to a gRPC service work as expected", async () => {
    const { stack } = ctx;
    const ns = "grpc-web";
    const fqdn = "grpc-web.projectcontour.io";
    await deployGrpcEcho(stack, ns, "grpc-echo");
    const cert = await selfSignedCert([fqdn]);
    await createTlsSecret(stack.kube, ns, "echo", cert.certPem, cert.keyPem);
    await createHTTPProxy(kc(), ns, "grpc-web", { virtualhost: { fqdn, tls: { secretName: "echo" } }, routes: [{ services: [{ name: "grpc-echo", port: 9000, protocol: "h2c" }] }] });
    await waitForProxyStatus(kc(), ns, "grpc-web", "valid");

    // One byte marker that this is a data frame, and 4 bytes for the length (0: yages.Empty is empty).
    // The answer is binary (the trailers frame starts with 0x80), so it is read as bytes, not as text.
    let last = "no response";
    const ok = await waitFor(
      async () => {
        const r = await postBytes(stack.envoyPorts.https, fqdn, "/yages.Echo/Ping", Buffer.from([0, 0, 0, 0, 0]), {
          "Content-Type": "application/grpc-web+proto",
          Accept: "application/grpc-web+proto",
          "X-Grpc-Web": "1",
        }).catch((err: unknown) => ({ status: 0, body: Buffer.from(String(err)) }));
        last = `HTTP ${r.status} ${JSON.stringify(r.body.toString("latin1"))}`;
        if (r.status !== 200) return false;
        const resp = parseGrpcWebResponse(r.body);
        return resp.text === "pong" && resp.trailers["grpc-status"] === "0";
      },
      { timeoutMs: 30_000, intervalMs: 250, description: "" },
    ).catch(() => false);
    assert.ok(ok, `expected 200 response code, gRPC status OK, and response data pong, got ${last}`);
  });
});

/** Upstream's parseGRPCWebResponse: a data frame (0x00, length, message) then a trailers frame (0x80, length, "k:v\r\n"...). */
function parseGrpcWebResponse(body: Buffer): { text?: string; trailers: Record<string, string> } {
  const trailers: Record<string, string> = {};
  if (body.length <= 5 || body[0] !== 0x00) return { trailers };
  const dataLen = body.readUInt32BE(1);
  let pos = 5;
  const text = dataLen > 0 ? decodeText(body.subarray(pos, pos + dataLen)) : undefined;
  pos += dataLen;
  if (body.length < pos + 5 || body[pos] !== 0x80) return { ...(text === undefined ? {} : { text }), trailers };
  const trailersLen = body.readUInt32BE(pos + 1);
  pos += 5;
  for (const kv of body.subarray(pos, pos + trailersLen).toString("utf8").trim().split("\r\n")) {
    const i = kv.indexOf(":");
    if (i >= 0) trailers[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return { ...(text === undefined ? {} : { text }), trailers };
}

/** A POST over HTTPS to Envoy with SNI and Host `host` (certificate not verified), the answer as bytes. */
function postBytes(port: number, host: string, path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "POST", servername: host, rejectUnauthorized: false, headers: { ...headers, host, "content-length": body.length }, timeout: 3000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end(body);
  });
}
