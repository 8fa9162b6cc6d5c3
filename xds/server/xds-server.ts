// The xDS gRPC server: Connect on node:http2, mTLS by default, serving the snapshot cache.
import type { Interceptor } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import bunyan from "bunyan";
import type Logger from "bunyan";
import type { Registry } from "prom-client";
import type { SnapshotCache } from "../cache/snapshot-cache.js";
import { createCertificateReloader, type CertificateReloader, type TlsFiles } from "./certificate-reloader.js";
import { createXdsMetrics } from "./metrics.js";
import { registerXdsRoutes, type OpenStream } from "./routes.js";
import type { XdsOutcome, XdsStreamInfo } from "./stream-handler.js";

/** Options of createXdsServer. Exactly one of `tls` and `insecure: true` is required. */
export interface XdsServerOptions {
  readonly cache: SnapshotCache;
  /** Listen address; default 127.0.0.1. */
  readonly address?: string;
  /** Listen port; default 8001; 0 picks a free one (listen() reports it). */
  readonly port?: number;
  /** Serve mTLS: clients must present a certificate signed by caFile. Files are re-read when they change. */
  readonly tls?: TlsFiles & { readonly reloadIntervalMs?: number };
  /** Serve plaintext HTTP/2. Only for local development and tests (`contour serve --insecure`). */
  readonly insecure?: boolean;
  readonly logger?: Logger;
  /** Where metrics register; default prom-client's global registry. */
  readonly registry?: Registry;
  /** Connect interceptors around every call (e.g. gRPC server metrics). */
  readonly interceptors?: Interceptor[];
  /** How long close() lets streams end gracefully before cutting connections; default 2 s. */
  readonly closeGraceMs?: number;
  /** Told of every ACK and NACK of every stream (contour serve quarantines what Envoy rejects). */
  readonly onOutcome?: (outcome: XdsOutcome) => void;
}

/** A running (or ready to run) xDS server. */
export interface XdsServer {
  /** Binds and serves; resolves with the bound address and port. */
  listen(): Promise<{ address: string; port: number }>;
  /** Ends every stream and closes the listener. */
  close(): Promise<void>;
  /** The open streams. */
  streams(): XdsStreamInfo[];
  /** Checks the TLS files now (they are also checked periodically); true if new ones were loaded. */
  reloadCertificates(): Promise<boolean>;
}

// Requests are small except a delta reconnect listing every resource Envoy holds (about 60 bytes
// each): 64 MiB leaves room for a million resources while bounding what a client can make us buffer.
const READ_MAX_BYTES = 64 * 1024 * 1024;
// Responses carry whole types: 10,000 clusters are several MiB. Connect's ceiling (4 GiB) is the
// only sensible limit; it is set explicitly so nobody lowers it without reading this.
const WRITE_MAX_BYTES = 0xffffffff;

/** Creates an xDS server for a snapshot cache; nothing listens until listen(). */
export function createXdsServer(options: XdsServerOptions): XdsServer {
  if (options.tls === undefined && options.insecure !== true) {
    throw new Error("xds server: TLS files are required (tls: {caFile, certFile, keyFile}); pass insecure: true to serve plaintext");
  }
  if (options.tls !== undefined && options.insecure === true) throw new Error("xds server: tls and insecure are mutually exclusive");
  const logger = options.logger ?? bunyan.createLogger({ name: "contour", component: "xds-server" });
  const metrics = createXdsMetrics(options.registry);
  const shutdown = new AbortController();
  const open = new Map<number, OpenStream>();
  let lastId = 0;
  const handler = connectNodeAdapter({
    routes: (router) => registerXdsRoutes(router, { cache: options.cache, metrics, logger, onOutcome: options.onOutcome }, { open, nextId: () => ++lastId }),
    // Envoy and every xDS client speak gRPC; the Connect and gRPC-web protocols are not offered.
    grpc: true,
    interceptors: options.interceptors ?? [],
    grpcWeb: false,
    connect: false,
    // Envoy's gRPC client neither sends nor accepts compressed messages; compressing 10,000
    // clusters for grpc-js clients (which advertise gzip) would only burn CPU.
    acceptCompression: [],
    readMaxBytes: READ_MAX_BYTES,
    writeMaxBytes: WRITE_MAX_BYTES,
    shutdownSignal: shutdown.signal,
  });

  let server: http2.Http2Server | http2.Http2SecureServer | undefined;
  let reloader: CertificateReloader | undefined;
  const sessions = new Set<http2.ServerHttp2Session>();
  const http2Options = {
    // Envoy opens one stream per xDS connection; the defaults are fine but memory for large
    // responses in flight must not trip nghttp2's per-session limit (default 10 MB).
    maxSessionMemory: 256,
  };

  const track = (s: http2.Http2Server | http2.Http2SecureServer): void => {
    s.on("session", (session: http2.ServerHttp2Session) => {
      sessions.add(session);
      session.on("close", () => sessions.delete(session));
      session.on("error", (err) => logger.debug({ err }, "xDS HTTP/2 session error"));
    });
  };

  return {
    async listen() {
      if (server !== undefined) throw new Error("xds server: listen() called twice");
      if (options.tls !== undefined) {
        const secure = (reloader = createCertificateReloader({
          files: options.tls,
          intervalMs: options.tls.reloadIntervalMs,
          apply: (context) => (server as http2.Http2SecureServer).setSecureContext(context),
          logger,
        }));
        const context = await secure.load();
        const s = http2.createSecureServer(
          {
            ...http2Options,
            ...context,
            requestCert: true,
            rejectUnauthorized: true,
            ALPNProtocols: ["h2"],
            allowHTTP1: false,
          },
          handler,
        );
        // Node verifies the client certificate after OpenSSL's handshake and closes the socket
        // without an alert; authorizationError says why.
        s.on("tlsClientError", (err, socket) =>
          logger.warn({ reason: socket.authorizationError ?? err.message, remote: socket.remoteAddress }, "xDS client failed the TLS handshake"),
        );
        s.on("unknownProtocol", (socket) => socket.destroy());
        server = s;
      } else {
        server = http2.createServer(http2Options, handler);
      }
      track(server);
      const s = server;
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(options.port ?? 8001, options.address ?? "127.0.0.1", () => {
          s.off("error", reject);
          resolve();
        });
      });
      // Later server errors (e.g. out of file descriptors) are logged, not thrown at the process.
      s.on("error", (err) => logger.error({ err }, "xDS server error"));
      reloader?.start();
      const bound = s.address() as AddressInfo;
      logger.info({ address: bound.address, port: bound.port, tls: options.tls !== undefined }, "xDS server listening");
      return { address: bound.address, port: bound.port };
    },

    async close() {
      reloader?.stop();
      shutdown.abort();
      const s = server;
      if (s === undefined) return;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      for (const session of sessions) session.close();
      const grace = setTimeout(() => {
        for (const session of sessions) session.destroy();
      }, options.closeGraceMs ?? 2000);
      await closed;
      clearTimeout(grace);
    },

    streams: () => [...open.values()].map((s) => ({ id: s.id, kind: s.kind, node: s.nodeId() })),

    async reloadCertificates() {
      return reloader === undefined ? false : reloader.check();
    },
  };
}
