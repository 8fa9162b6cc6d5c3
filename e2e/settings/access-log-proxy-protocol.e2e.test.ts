// `--accesslog-format=json` and `--use-proxy-protocol` through a real Envoy: every request is one
// JSON line on Envoy's stdout with upstream's fields, and the client address comes from the PROXY
// protocol header rather than from the TCP peer.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { describe, it } from "mocha";
import { applyEndpointSlice, createIngress, createService, ensureNamespace, simpleIngressSpec } from "../fixtures/kube-objects.js";
import { useStack } from "../fixtures/stack.js";
import { waitFor, type BackendReply } from "../harness/index.js";

const NS = "proxied";
const HOST = "proxied.example.com";
/** The client address the PROXY header claims; only ever text in a header, never connected to. */
const CLIENT = "198.18.201.7";

/** One HTTP/1.1 GET on a fresh connection that starts with a PROXY v1 header; the raw answer. */
function proxiedGet(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    socket.setTimeout(3000, () => socket.destroy(new Error(`no answer within 3 s for ${path}`)));
    socket.on("connect", () => {
      socket.write(`PROXY TCP4 ${CLIENT} 127.0.0.1 40000 ${port}\r\n`);
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`);
    });
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

describe("Envoy settings: JSON access log and PROXY protocol", function () {
  const ctx = useStack({ pods: ["app-1"], contourArgs: ["--accesslog-format=json", "--use-proxy-protocol"] });

  it("takes the client address from the PROXY header and logs the request as one JSON line", async () => {
    const { bed, kube, envoyPorts, envoy } = ctx.stack;
    await ensureNamespace(kube, NS);
    await createService(kube, NS, "app", [{ port: 80 }]);
    await applyEndpointSlice(kube, NS, "app", undefined, [{ ip: bed.pods[0]!.ip, port: bed.pods[0]!.port }]);
    await createIngress(kube, NS, "app", simpleIngressSpec(HOST, "app", 80));
    const raw = await waitFor(
      async () => {
        const answer = await proxiedGet(envoyPorts.http, "/logged-path").catch(() => "");
        return answer.startsWith("HTTP/1.1 200") ? answer : undefined;
      },
      { timeoutMs: 20_000, description: `${HOST} to answer 200 through the PROXY protocol` },
    );
    const reply = JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)) as BackendReply;
    assert.equal(reply.headers["x-envoy-external-address"], CLIENT);
    assert.equal(reply.headers["x-forwarded-for"], CLIENT);

    // A connection without the header is refused: Envoy closes it without an HTTP answer.
    const bare = await new Promise<string>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: envoyPorts.http });
      const chunks: Buffer[] = [];
      socket.setTimeout(3000, () => socket.destroy());
      socket.on("connect", () => socket.write(`GET / HTTP/1.1\r\nHost: ${HOST}\r\n\r\n`));
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
      socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
    });
    assert.doesNotMatch(bare, /^HTTP\/1\.1 200/);

    // Envoy's stdout goes to its log file; the access log line is JSON with upstream's field names. The
    // request that answered 200 is the last for /logged-path (earlier tries may have come before the route).
    const line = await waitFor(
      () => readFileSync(envoy.process.logPath, "utf8").split("\n").filter((l) => l.startsWith("{") && l.includes('"/logged-path"')).find((l) => l.includes('"response_code":200')),
      { timeoutMs: 10_000, description: "a JSON access log line for /logged-path in Envoy's output" },
    );
    const entry = JSON.parse(line) as Record<string, unknown>;
    assert.equal(entry["path"], "/logged-path");
    assert.equal(entry["authority"], HOST);
    assert.equal(entry["method"], "GET");
    assert.equal(entry["response_code"], 200);
    assert.match(String(entry["downstream_remote_address"]), new RegExp(`^${CLIENT.replaceAll(".", "\\.")}:`));
    // %UPSTREAM_CLUSTER% logs the cluster's stat name, upstream's <namespace>_<service>_<port>.
    assert.equal(entry["upstream_cluster"], "proxied_app_80");
  });
});
