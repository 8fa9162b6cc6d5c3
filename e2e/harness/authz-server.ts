// A standalone authorization server for the bed: `node authz-server.js <address> <cert.pem> <key.pem>`
// serves Envoy's ext_authz gRPC service (envoy.service.auth.v3.Authorization/Check) over HTTP/2 in
// the clear (h2c, an ExtensionService with protocol h2c) and over TLS (h2, the default protocol), and
// an HTTP authorization server (Envoy's http_service protocol: the request's method, path and headers
// come as they are, a 2xx allows), then prints `{"grpc":…,"grpcTls":…,"http":…}` and `ready`. Each
// check is printed as a JSON line `{"check":…}` and counted; GET /__checks on the HTTP port lists them.
// Run inside a pod network namespace (Envoy reaches it by an EndpointSlice address).
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import process from "node:process";
import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { Authorization, CheckResponseSchema, type CheckRequest } from "../../xds/gen/envoy/service/auth/v3/external_auth_pb.js";
import { StatusCode } from "../../xds/gen/envoy/type/v3/http_status_pb.js";
import { decide, type AuthzCheck } from "./authz-decision.js";

/** google.rpc.Code values of the answers. */
const RPC_OK = 0;
const RPC_PERMISSION_DENIED = 7;
/** Checks kept for /__checks, newest last; bounded so a long run cannot grow without limit. */
const MAX_CHECKS = 1000;

const [address, certFile, keyFile] = process.argv.slice(2);
if (address === undefined || certFile === undefined || keyFile === undefined) {
  process.stderr.write("usage: authz-server <address> <cert.pem> <key.pem>\n");
  process.exit(2);
}
const checks: AuthzCheck[] = [];
function record(check: AuthzCheck): void {
  checks.push(check);
  if (checks.length > MAX_CHECKS) checks.shift();
  process.stdout.write(`${JSON.stringify({ check })}\n`);
}

function check(server: AuthzCheck["server"], request: CheckRequest) {
  const http = request.attributes?.request?.http;
  const context = { ...(request.attributes?.contextExtensions ?? {}) };
  const path = http?.path ?? "";
  const decision = decide("testserver", path, context);
  const bodyBytes = http?.rawBody.length || Buffer.byteLength(http?.body ?? "");
  record({ server, method: http?.method ?? "", host: http?.host ?? "", path, context, bodyBytes, allowed: decision.allowed });
  const headers = decision.headers.map(([key, value]) => ({ header: { key, value } }));
  if (decision.allowed) {
    return create(CheckResponseSchema, { status: { code: RPC_OK }, httpResponse: { case: "okResponse", value: { headers } } });
  }
  return create(CheckResponseSchema, {
    status: { code: RPC_PERMISSION_DENIED },
    // upstream's testserver answers 401 Unauthorized
    httpResponse: { case: "deniedResponse", value: { status: { code: StatusCode.Unauthorized }, headers, body: "denied by testserver\n" } },
  });
}

const routes = (server: AuthzCheck["server"]) => (router: ConnectRouter) => router.service(Authorization, { check: (request: CheckRequest) => check(server, request) });
const adapter = (server: AuthzCheck["server"]) => connectNodeAdapter({ routes: routes(server), grpc: true, grpcWeb: false, connect: false });

const grpc = http2.createServer(adapter("grpc"));
const grpcTls = http2.createSecureServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), ALPNProtocols: ["h2"], allowHTTP1: false }, adapter("grpc-tls"));

// Envoy's http_service: the original method and path (after any path_prefix) and headers; 2xx allows.
const httpAuthz = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
  const path = req.url ?? "/";
  if (path === "/__checks") {
    const body = JSON.stringify(checks);
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  let bodyBytes = 0;
  req.on("data", (chunk: Buffer) => (bodyBytes += chunk.length));
  req.on("end", () => {
    const decision = decide("testserver-http", path, {});
    record({ server: "http", method: req.method ?? "", host: req.headers.host ?? "", path, context: {}, bodyBytes, allowed: decision.allowed });
    const headers = Object.fromEntries(decision.headers);
    const body = decision.allowed ? "" : "denied by testserver-http\n";
    res.writeHead(decision.allowed ? 200 : 403, { ...headers, "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});

function listen(server: { listen(port: number, host: string, cb: () => void): unknown; address(): AddressInfo | string | null }): Promise<number> {
  return new Promise((resolve) => server.listen(0, address!, () => resolve((server.address() as AddressInfo).port)));
}

const [grpcPort, grpcTlsPort, httpPort] = await Promise.all([listen(grpc), listen(grpcTls), listen(httpAuthz)]);
process.stdout.write(`${JSON.stringify({ grpc: grpcPort, grpcTls: grpcTlsPort, http: httpPort })}\nready\n`);
