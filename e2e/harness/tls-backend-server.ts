// A standalone HTTPS backend: `node tls-backend-server.js <address> <name> <cert.pem> <key.pem> [client-ca.pem]`
// answers every request with {name, path} over TLS and prints `{"port":…}` then `ready`. With a
// client CA it refuses handshakes without a client certificate that CA signed, and adds the client
// certificate's CN to the reply (`client`). Run inside
// the pod network namespace, for TLS passthrough specs (Envoy must reach it by a non-loopback address).
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import process from "node:process";

const [address, name, certFile, keyFile, clientCaFile] = process.argv.slice(2);
if (address === undefined || name === undefined || certFile === undefined || keyFile === undefined) {
  process.stderr.write("usage: tls-backend-server <address> <name> <cert.pem> <key.pem>\n");
  process.exit(2);
}
const clientAuth = clientCaFile === undefined ? {} : { ca: readFileSync(clientCaFile), requestCert: true, rejectUnauthorized: true };
const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), ...clientAuth }, (req, res) => {
  const peer = clientCaFile === undefined ? undefined : (req.socket as TLSSocket).getPeerCertificate();
  const body = JSON.stringify({ name, path: req.url ?? "/", ...(peer === undefined ? {} : { client: peer.subject?.CN ?? "" }) });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-backend-name": name });
  res.end(body);
});
server.listen({ host: address, port: 0 }, () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\nready\n`);
});
