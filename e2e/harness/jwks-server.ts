// A JWKS server for JWT verification specs: an RSA key pair made per run (Node's crypto, no fixed
// key in the repository), its public key served as a JWK Set at /jwks.json on 127.0.0.1, and
// RS256 tokens signed with it (or with another key, for a token Envoy must refuse).
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Claims of a token; `exp` defaults to an hour from now, `iat` to now. */
export interface JwtClaims {
  readonly iss?: string;
  readonly aud?: string | readonly string[];
  readonly sub?: string;
  readonly exp?: number;
  readonly iat?: number;
  readonly [claim: string]: unknown;
}

/** A running JWKS server. */
export interface JwksServer {
  /** http://127.0.0.1:<port>/jwks.json */
  readonly jwksUrl: string;
  readonly port: number;
  /** A token signed with the served key. */
  token(claims?: JwtClaims): string;
  /** A token signed with a key the JWKS does not hold (same kid): verification must fail. */
  foreignToken(claims?: JwtClaims): string;
  /** How often the JWKS was fetched (Envoy caches it). */
  fetchCount(): number;
  close(): Promise<void>;
}

const KID = "e2e-key";

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

function signJwt(key: KeyObject, claims: JwtClaims): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: KID }));
  const payload = base64url(JSON.stringify({ iat: now, exp: now + 3600, ...claims }));
  const signature = sign("sha256", Buffer.from(`${header}.${payload}`), key);
  return `${header}.${payload}.${base64url(signature)}`;
}

function rsaKey(): KeyObject {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return createPrivateKey(privateKey.export({ format: "pem", type: "pkcs8" }));
}

/** Starts a JWKS server on 127.0.0.1 with a fresh key pair. */
export async function startJwksServer(): Promise<JwksServer> {
  const key = rsaKey();
  const foreign = rsaKey();
  // Only the public members: the private ones (d, p, q, ...) never leave the test process.
  const jwk = key.export({ format: "jwk" });
  const body = JSON.stringify({ keys: [{ kty: jwk.kty, n: jwk.n, e: jwk.e, kid: KID, alg: "RS256", use: "sig" }] });
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url !== "/jwks.json") {
      res.writeHead(404).end();
      return;
    }
    fetches++;
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    port,
    token: (claims = {}) => signJwt(key, claims),
    foreignToken: (claims = {}) => signJwt(foreign, claims),
    fetchCount: () => fetches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
