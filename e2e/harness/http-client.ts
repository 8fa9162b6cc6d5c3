// A small HTTP(S) client for tests: one fresh connection per request, explicit Host and SNI,
// the whole body read as text. Tests use it to send traffic through Envoy and to poll admin APIs.
import { request as httpRequestRaw, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequestRaw } from "node:https";
import { isIP } from "node:net";

/** Options of one request. */
export interface HttpRequestOptions {
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  /** Host header (e.g. "app.example.com"); also the default TLS SNI when it is a name. */
  host?: string;
  /** TLS SNI, when it must differ from the Host header. */
  servername?: string;
  /** CA certificate(s) (PEM) that must have signed the server's certificate. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Default true; false accepts any server certificate. */
  rejectUnauthorized?: boolean;
  body?: string | Buffer;
  /** Whole-request deadline; default 5 s. */
  timeoutMs?: number;
}

/** A complete response. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON (throws with the body quoted if it is not JSON). */
  json<T = unknown>(): T;
}

/** Sends one request and reads the whole response; rejects on connection errors and timeouts. */
export function httpRequest(url: string | URL, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const target = typeof url === "string" ? new URL(url) : url;
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { ...options.headers };
  if (options.host !== undefined) headers["host"] = options.host;
  const isHttps = target.protocol === "https:";
  const requestFn = isHttps ? httpsRequestRaw : httpRequestRaw;
  const timeoutMs = options.timeoutMs ?? 5_000;

  return new Promise((resolveResponse, reject) => {
    const req = requestFn(
      target,
      {
        method,
        headers,
        // A fresh connection per request: tests must not be steered by a pooled connection.
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
        ...(isHttps ? tlsOptions(options) : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (err) => reject(wrap(method, target, err)));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          resolveResponse({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            json<T>(): T {
              try {
                return JSON.parse(body) as T;
              } catch {
                throw new Error(`${method} ${target.href}: response is not JSON: ${body.slice(0, 500)}`);
              }
            },
          });
        });
      },
    );
    req.on("error", (err) => reject(wrap(method, target, err)));
    req.end(options.body);
  });
}

/** GET `url`; see httpRequest. */
export function httpGet(url: string | URL, options: Omit<HttpRequestOptions, "method" | "body"> = {}): Promise<HttpResponse> {
  return httpRequest(url, { ...options, method: "GET" });
}

function tlsOptions(options: HttpRequestOptions): Record<string, unknown> {
  const hostName = options.host?.replace(/:\d+$/, "");
  // SNI must be a DNS name; an IP literal in the Host header means "no SNI".
  const servername = options.servername ?? (hostName !== undefined && isIP(hostName) === 0 ? hostName : undefined);
  return {
    ...(servername !== undefined ? { servername } : {}),
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    ...(options.cert !== undefined ? { cert: options.cert } : {}),
    ...(options.key !== undefined ? { key: options.key } : {}),
    rejectUnauthorized: options.rejectUnauthorized ?? true,
  };
}

function wrap(method: string, url: URL, err: Error): Error {
  const reason = err.name === "AbortError" || err.name === "TimeoutError" ? "timed out" : err.message;
  return new Error(`${method} ${url.href} failed: ${reason}`, { cause: err });
}
