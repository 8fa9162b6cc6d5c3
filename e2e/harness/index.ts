// The e2e harness: what specs and `make demo` import.
export { createTestBed, type TestBed, type TestBedOptions, type BedEnvoyOptions, type BedSpawnOptions, type StopOptions } from "./test-bed.js";
export { useTestBed, type TestBedHandle, type UseTestBedOptions } from "./mocha.js";
export { startEtcd, type Etcd, type EtcdOptions } from "./etcd.js";
export { startKubeApiserver, SERVICE_CLUSTER_IP_RANGE, type KubeApiserver, type KubeApiserverOptions } from "./kube-apiserver.js";
export { writeKubeconfig, loadKubeConfig, type KubeconfigOptions } from "./kubeconfig.js";
export { startEnvoy, type Envoy, type EnvoyBootstrap, type EnvoyOptions } from "./envoy.js";
export { createEnvoyAdmin, type EnvoyAdmin, type ConfigDump, type ListenerStatus, type AdminWaitOptions } from "./envoy-admin.js";
export { startBackends, startBackend, type Backend, type BackendReply } from "./backends.js";
export type { RequestLogReply } from "./backends.js";
export { websocketAccept, encodeWebSocketFrame, createWebSocketFrameReader, echoWebSocket, WebSocketOpcode, type WebSocketFrame } from "./websocket.js";
export { startPodBackends, type PodBackend, type PodBackends } from "./pod-backends.js";
export { createPodNetwork, type PodNetwork } from "./pod-network.js";
export { httpGet, httpRequest, type HttpRequestOptions, type HttpResponse } from "./http-client.js";
export { freePort, retryOnPortClash } from "./free-port.js";
export { waitFor, errorMessage, type WaitForOptions, type NotYet } from "./wait-for.js";
export { spawnProcess, onInterrupt, liveProcessCount, tailFile, type ManagedProcess, type ProcessExit, type SpawnOptions } from "./processes.js";
export { createRunDir, slugify, type RunDir } from "./run-dir.js";
export { resolveTool, findRepoRoot, parseEnvFile, TOOL_VARS, type ToolName } from "./tools.js";
