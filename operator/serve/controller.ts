// `contour serve` wired together: informers → pipeline → snapshot cache → xDS server, with the
// leader writing status and an ops server for health and metrics.
import { withRuntimeLayer, type PublishedRuntime } from "../../xds/translate/runtime-layer.js";
import { performance } from "node:perf_hooks";
import type { KubernetesObject } from "@kubernetes/client-node";
import { EXTENSION_SERVICE_PLURAL, GROUP, HTTPPROXY_PLURAL } from "../../crds/index.js";
import type { WatchedKind } from "../../controllers/source/object-cache.js";
import type { ServeConfig } from "../config/index.js";
import { readBuildInfo } from "../build/build-info.js";
import { createDebugServer } from "../debug/index.js";
import { createGrpcServerMetrics, createServeMetrics } from "../metrics/index.js";
import { createApiServerHealthCheck, createMetricsRegistry, createOpsServer } from "../http/index.js";
import { createIdentity, createKubeLeaseApi, createLeaderElector, createStaticLeader, type LeaderElector } from "../leader/index.js";
import type { Logger } from "../log.js";
import { createPipeline } from "../pipeline/pipeline.js";
import { createPipelineMetrics } from "../pipeline/metrics.js";
import { createNackQuarantine } from "../pipeline/nack-quarantine.js";
import { createBatcher, createInformerSet, loadKubeConfig } from "../runtime/index.js";
import { createStatusWriter } from "../status/index.js";
import { createSnapshotCache, InconsistentSnapshotError } from "../../xds/cache/index.js";
import { createXdsServer } from "../../xds/server/index.js";
import { createHTTPProxyStatusSync } from "./httpproxy-status.js";
import { createExtensionStatusSync } from "./extension-status.js";
import { createIngressStatusSync } from "./ingress-status.js";
import { logConditions, logProxyStatuses } from "./log-conditions.js";
import { createGatewayStatusSync, GATEWAY_STATUS_KINDS } from "./gateway-status.js";
import { createGatewayServiceSync } from "./gateway-services.js";
import { readTestFaults, TEST_FAULTS_ENV } from "./test-faults.js";

/** A running controller. */
export interface Controller {
  /** Resolves once caches synced, the first snapshot was published and xDS listens. */
  readonly started: Promise<{ xdsPort: number; httpPort: number }>;
  /** Stops everything; a leader releases its Lease first so another replica takes over at once. */
  stop(): Promise<void>;
}

/** The status writer's kinds whose objects the informers hold. */
const STATUS_KINDS: Readonly<Record<string, WatchedKind>> = {
  Ingress: "Ingress",
  [`${HTTPPROXY_PLURAL}.${GROUP}`]: "HTTPProxy",
  [`${EXTENSION_SERVICE_PLURAL}.${GROUP}`]: "ExtensionService",
  ...Object.fromEntries(GATEWAY_STATUS_KINDS.map((k) => [`${k.plural}.gateway.networking.k8s.io`, k.kind])),
};

/** Labels of the Envoy pods, which the Services of Gateways select (upstream's example deployment labels them app=envoy). */
const ENVOY_POD_SELECTOR: Readonly<Record<string, string>> = { app: "envoy" };

/** The batch key: the pipeline tracks what changed itself, so one key means "rebuild". */
const REBUILD = "rebuild";

/** Starts the controller. Nothing is served over xDS before every informer has synced. */
export function startController(config: ServeConfig, log: Logger): Controller {
  const registry = createMetricsRegistry();
  const kubeConfig = loadKubeConfig(config.kubeconfig);
  const testFaults = readTestFaults();
  if (testFaults !== undefined) log.warn({ testFaults }, `${TEST_FAULTS_ENV} is set: planting test faults below validation (never do this in production)`);
  const pipeline = createPipeline({
    testFaults,
    ingressClassName: config.ingress.className,
    rootNamespaces: config.rootNamespaces,
    disablePermitInsecure: config.reconcile.disablePermitInsecure,
    clientCertificate: config.reconcile.envoyClientCertificate,
    fallbackCertificate: config.reconcile.fallbackCertificate,
    extension: {
      ...(config.envoy.connectTimeoutMs !== undefined ? { connectTimeoutMs: config.envoy.connectTimeoutMs } : {}),
      ...(config.envoy.clusterCircuitBreakers ? { defaultCircuitBreakers: config.envoy.clusterCircuitBreakers } : {}),
    },
    globalAuthorization: config.globalExtAuth,
    enableExternalNameService: config.reconcile.enableExternalNameService,
    gateway: {
      controllerName: config.gateway.controllerName,
      ...(config.gateway.gatewayRef === undefined ? {} : { gatewayRef: config.gateway.gatewayRef }),
      portRange: { ...config.gateway.portRange, reserved: [config.envoyListeners.http.port, config.envoyListeners.https.port] },
      envoySelector: ENVOY_POD_SELECTOR,
      envoyService: config.envoyService,
    },
    translate: {
      ...config.envoy,
      httpAddress: config.envoyListeners.http.address,
      httpPort: config.envoyListeners.http.port,
      httpsAddress: config.envoyListeners.https.address,
      httpsPort: config.envoyListeners.https.port,
    },
  });
  const metrics = createPipelineMetrics(registry);
  const upstreamMetrics = createServeMetrics(registry, readBuildInfo());
  const snapshots = createSnapshotCache();
  const buildLog = log.child({ component: "pipeline" });
  // The batcher exists further down; a NACK arrives only once xDS serves, long after.
  let requestRebuild = (): void => undefined;
  const nackQuarantine = createNackQuarantine({
    pipeline,
    current: () => snapshots.current(),
    rebuild: () => requestRebuild(),
    log: buildLog.child({ part: "nack-quarantine" }),
  });
  const xds = createXdsServer({
    onOutcome: (outcome) => nackQuarantine.onOutcome(outcome),
    cache: snapshots,
    address: config.xds.address,
    port: config.xds.port,
    ...(config.xds.tls !== undefined ? { tls: config.xds.tls } : { insecure: true }),
    logger: log.child({ component: "xds" }),
    registry,
    interceptors: [createGrpcServerMetrics(registry)],
  });
  const ops = createOpsServer({
    ...config.http,
    ...(config.metricsTls === undefined ? {} : { tls: config.metricsTls }),
    healthCheck: createApiServerHealthCheck(kubeConfig),
    registry,
    log: log.child({ component: "http" }),
    // Kinds RBAC keeps from us: served as if empty, and said so here (informers exists by the time anyone asks).
    readyDetails: () => informers.forbidden().map((f) => `warning: ${f.kind}${f.namespace === undefined ? "" : ` in ${f.namespace}`}: forbidden by RBAC, treated as none`),
  });
  const debug = createDebugServer({ ...config.debug, model: () => pipeline.model(), listeners: config.envoyListeners, log: log.child({ component: "debug" }) });

  let leader: LeaderElector | undefined;
  const writer = createStatusWriter({
    kubeConfig,
    isLeader: () => leader?.isLeader() ?? false,
    log: log.child({ component: "status" }),
    registry,
    observe: upstreamMetrics.statusWritten,
    qps: config.kubernetesClient.qps,
    burst: config.kubernetesClient.burst,
    cached: (kind, namespace, name) => {
      const watched = STATUS_KINDS[kind];
      return watched === undefined ? undefined : pipeline.cache.get(watched, namespace, name);
    },
  });
  const statusSync = createIngressStatusSync({ pipeline, writer, statusAddresses: config.ingress.statusAddresses, envoyService: config.envoyService });
  const proxyStatusSync = createHTTPProxyStatusSync({
    pipeline,
    writer,
    isLeader: () => leader?.isLeader() ?? false,
    statusAddresses: config.ingress.statusAddresses,
    envoyService: config.envoyService,
  });
  const extensionStatusSync = createExtensionStatusSync({ pipeline, writer, isLeader: () => leader?.isLeader() ?? false });
  const gatewayStatusSync = createGatewayStatusSync({ pipeline, writer, isLeader: () => leader?.isLeader() ?? false, controllerName: config.gateway.controllerName });
  const gatewayServices = createGatewayServiceSync({ pipeline, kubeConfig, isLeader: () => leader?.isLeader() ?? false, log: log.child({ component: "gateway-services" }) });
  const leaderLog = log.child({ component: "leader" });
  const leaderCallbacks = {
    log: leaderLog,
    registry,
    onStartedLeading: () => {
      leaderLog.info("started leading: writing status");
      statusSync.startedLeading();
      proxyStatusSync.startedLeading();
      extensionStatusSync.startedLeading();
      gatewayStatusSync.startedLeading();
      gatewayServices.changed();
    },
    onStoppedLeading: () => {
      leaderLog.info("stopped leading: status writes stop");
      writer.dropPending();
      proxyStatusSync.stoppedLeading();
      extensionStatusSync.stoppedLeading();
      gatewayStatusSync.stoppedLeading();
    },
  };
  leader = config.leaderElection.enabled
    ? createLeaderElector({
        ...leaderCallbacks,
        api: createKubeLeaseApi(kubeConfig, config.leaderElection.namespace, config.leaderElection.leaseName),
        identity: createIdentity(),
        leaseDurationMs: config.leaderElection.leaseDurationMs,
        renewDeadlineMs: config.leaderElection.renewDeadlineMs,
        retryPeriodMs: config.leaderElection.retryPeriodMs,
      })
    : createStaticLeader(leaderCallbacks);

  let failingSince: string | undefined;
  let xdsListening = false;
  // The RTDS layer follows the listeners (a connection limit per listener): the last one published.
  let lastRuntime: PublishedRuntime | undefined;
  function rebuild(): void {
    const start = performance.now();
    let result: ReturnType<typeof pipeline.build>;
    try {
      result = pipeline.build();
      const resources = withRuntimeLayer(result.resources, config.runtime ?? {}, lastRuntime);
      const snapshot = snapshots.publish(resources);
      lastRuntime = { from: result.resources, published: resources };
      nackQuarantine.onPublished(snapshot);
      if (failingSince !== undefined) buildLog.info({ failingSince }, "rebuilds succeed again");
      failingSince = undefined;
      ops.setDetail("rebuild", undefined);
      if (xdsListening && !stopping) ops.setReady(true);
    } catch (err) {
      // Translation isolates what one object breaks, so this is a bug, never a tenant's doing: keep
      // serving the last good snapshot, and say so in the log, a metric and /readyz (which stays 200:
      // every replica computes the same and would fail alike, and the last good snapshot is still
      // the best thing to hand a (re)connecting Envoy).
      const inconsistent = InconsistentSnapshotError.from(err);
      if (inconsistent !== undefined) {
        metrics.observeRefusedSnapshot();
        buildLog.error({ problems: inconsistent.problems.slice(0, 20) }, "snapshot refused by the consistency check; the previous one stays served");
      } else {
        metrics.observeFailedRebuild();
        buildLog.error({ err }, "rebuild failed; the previous snapshot stays served");
      }
      failingSince ??= new Date().toISOString();
      const served = snapshots.current()?.version ?? "none";
      ops.setDetail("rebuild", `failing since ${failingSince} (${err instanceof Error ? err.message : String(err)}); serving the last good snapshot ${served}`);
      return;
    }
    for (const q of result.quarantined) {
      buildLog.warn({ kind: q.key.kind, namespace: q.key.namespace, name: q.key.name, reason: "EnvoyEncodeFailed" }, `quarantined: ${q.message}`);
    }
    for (const key of result.released) buildLog.info({ kind: key.kind, namespace: key.namespace, name: key.name }, "quarantined object changed: trying it again");
    for (const f of result.unattributed) buildLog.error({ piece: f.piece, name: f.name, error: f.message }, "left out a piece no source object can be blamed for");
    const seconds = (performance.now() - start) / 1000;
    metrics.observeBuild(seconds, result.endpointsOnly);
    metrics.countSources(pipeline, result.reconciled);
    upstreamMetrics.afterBuild(pipeline, result, seconds);
    // HTTPProxies are logged by status change: an included proxy's problems are found by its roots' reconciles.
    logConditions(buildLog, result.reconciled.filter((r) => r.key.kind !== "HTTPProxy"));
    logProxyStatuses(buildLog, result.httpProxyStatuses);
    statusSync.reconciled(result.reconciled.map((r) => r.key));
    proxyStatusSync.changed(result.httpProxyStatuses);
    extensionStatusSync.changed(result.extensionStatuses);
    if (result.gatewayChanged) {
      gatewayStatusSync.changed();
      gatewayServices.changed();
    }
    buildLog.debug({ reconciled: result.reconciled.length, endpointsOnly: result.endpointsOnly, ms: Math.round(seconds * 1000) }, "rebuilt");
  }

  // As upstream's event handler: a change after 500 ms without a rebuild is built at once; bursts wait out 100 ms of quiet.
  const batcher = createBatcher<string>({ holdoffMs: 100, maxDelayMs: 500, quietMs: 500, log: buildLog, onBatch: rebuild });
  requestRebuild = () => batcher.mark(REBUILD);
  let initialBuildDone = false;
  const isEnvoyService = (obj: KubernetesObject): boolean =>
    obj.metadata?.namespace === config.envoyService.namespace && obj.metadata?.name === config.envoyService.name;

  const informers = createInformerSet({
    kubeConfig,
    ...(config.watchNamespaces.length > 0 ? { namespaces: config.watchNamespaces } : {}),
    envoyService: config.envoyService,
    log: log.child({ component: "informers" }),
    registry,
    onEvent: (kind, event, obj) => {
      upstreamMetrics.eventHandled(event, kind);
      const changed = pipeline.apply(kind, event, obj);
      if (!changed || !initialBuildDone) return;
      batcher.mark(REBUILD);
      if (kind === "Service" && isEnvoyService(obj)) {
        statusSync.envoyServiceChanged();
        proxyStatusSync.envoyServiceChanged();
      }
    },
  });

  let stopping = false;
  const started = (async () => {
    const httpPort = await ops.start();
    await debug.start();
    informers.start();
    log.info("waiting for every informer to list its objects before serving xDS");
    await informers.synced();
    if (stopping) throw new Error("stopped before the caches synced");
    rebuild();
    initialBuildDone = true;
    const { port: xdsPort } = await xds.listen();
    // Ready means a snapshot is served; a failed first build (a bug) leaves that to the next one.
    xdsListening = true;
    if (snapshots.current() !== undefined) ops.setReady(true);
    leader?.start();
    log.info({ xdsPort, httpPort, sources: pipeline.servedIngresses().length }, "caches synced, first snapshot published, serving xDS");
    return { xdsPort, httpPort };
  })();
  // The caller awaits `started`; this only keeps an early stop from surfacing as an unhandled rejection.
  started.catch(() => undefined);

  return {
    started,
    async stop() {
      stopping = true;
      nackQuarantine.stop();
      ops.setReady(false);
      await leader?.stop();
      writer.stop();
      await batcher.stop();
      await informers.stop();
      await xds.close();
      await ops.stop();
      await debug.stop();
    },
  };
}
