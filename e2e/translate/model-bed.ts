// A hand-built routing model, translated by xds/translate, served through our xDS server to a real
// Envoy (e2e/xds/xds-bed.ts): what the translation emits is checked on the wire, without a
// kube-apiserver or a reconciler. Backends run on 127.0.0.1 and are reached through EndpointSlices
// built here, so translateEndpoints runs too.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { V1EndpointSlice } from "@kubernetes/client-node";
import type { Cluster, Model, Route, RouteAction, VirtualHost } from "../../controllers/model/model.js";
import type { XdsMode } from "../../xds/bootstrap/index.js";
import { clusterName, edsName } from "../../xds/names.js";
import { translateModel, type TranslateOptions } from "../../xds/translate/index.js";
import type { Backend, TestBed } from "../harness/index.js";
import { startXdsSide, type XdsSide } from "../xds/xds-bed.js";

/** The namespace every object of a model bed claims to come from. */
export const NAMESPACE = "e2e";

/** An address a Service port's endpoints listen on. */
export interface Address {
  readonly host: string;
  readonly port: number;
}

/** A Service port of the model: its cluster and the backends behind it. */
export interface ServiceFixture {
  readonly cluster: Cluster;
  readonly addresses: readonly Address[];
}

/** A cluster (and its EDS name) for Service `name`, port 80 named "http", plus any options. */
export function service(name: string, addresses: readonly (Address | Backend)[], options: Partial<Cluster> = {}): ServiceFixture {
  const cluster: Cluster = {
    name: clusterName(NAMESPACE, name, 80, "e2e"),
    service: { namespace: NAMESPACE, name, port: 80, portName: "http" },
    endpoints: edsName(NAMESPACE, name, "http"),
    protocol: "http1",
    loadBalancer: "RoundRobin",
    connectTimeoutMs: 2_000,
    ...options,
  };
  return { cluster, addresses: addresses.map((a) => ({ host: a.host, port: a.port })) };
}

/** A prefix route forwarding to one cluster. */
export function route(prefix: string, to: ServiceFixture, options: Partial<Route> = {}): Route {
  const action: RouteAction = { kind: "forward", clusters: [{ cluster: to.cluster.name, weight: 100 }], websocket: false };
  return {
    source: { kind: "HTTPProxy", namespace: NAMESPACE, name: "e2e" },
    match: { path: { kind: "prefix", value: prefix, segment: prefix !== "/" }, headers: [], queryParams: [] },
    action,
    httpsRedirect: false,
    ...options,
  };
}

/**
 * One EndpointSlice per address: a slice lists its ports once for all its endpoints, and these
 * backends share 127.0.0.1 on different ports.
 */
export function endpointSlices(services: readonly ServiceFixture[]): V1EndpointSlice[] {
  return services.flatMap((s) =>
    s.addresses.map((a, i) => ({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      addressType: "IPv4",
      metadata: { namespace: NAMESPACE, name: `${s.cluster.service.name}-${i}`, labels: { "kubernetes.io/service-name": s.cluster.service.name } },
      ports: [{ name: s.cluster.service.portName, port: a.port, protocol: "TCP" }],
      endpoints: [{ addresses: [a.host], conditions: { ready: true } }],
    })),
  );
}

/** A model of these hosts over these services (lists in any order: translation sorts). */
export function modelOf(virtualHosts: readonly VirtualHost[], services: readonly ServiceFixture[]): Model {
  return { virtualHosts, tcpProxies: [], clusters: services.map((s) => s.cluster), secrets: [] };
}

/**
 * Starts the xDS server with translateModel's output for the model `build` returns, and an Envoy
 * bootstrapped to it; resolves with the port of the plain-HTTP listener once Envoy has bound it.
 */
export async function serveModel(
  bed: TestBed,
  mode: XdsMode,
  build: () => { model: Model; services: readonly ServiceFixture[] },
): Promise<{ xds: XdsSide; port: number }> {
  const { xds, bootstrap } = await startXdsSide(bed, mode, (listenerPort) => {
    const { model, services } = build();
    const options: TranslateOptions = { httpAddress: "127.0.0.1", httpPort: listenerPort };
    return translateModel(model, endpointSlices(services), options);
  });
  await bed.startEnvoy({ bootstrap, componentLogLevel: "config:debug,upstream:debug,hc:debug,rbac:debug" });
  const listener = await bed.envoy.admin.waitForListener("ingress_http", { timeoutMs: 15_000 });
  return { xds, port: listener.port };
}

/** A backend that fails `healthPath` with 503 and answers everything else like a harness backend. */
export async function startSickBackend(bed: TestBed, name: string, healthPath: string): Promise<Address> {
  const server: Server = createServer((req, res) => {
    const path = req.url ?? "/";
    const status = path === healthPath ? 503 : 200;
    const body = JSON.stringify({ name, path, method: req.method, headers: req.headers, body: "" });
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-backend-name": name });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => resolve());
  });
  bed.onStop(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { host: "127.0.0.1", port: (server.address() as AddressInfo).port };
}
