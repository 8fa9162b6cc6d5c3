// Public surface of the operator runtime: informers, the batching work queue, and Kubernetes plumbing.
export { createInformerSet, planUnits, type InformerSet, type InformerSetOptions, type InformerEvent } from "./informers.js";
export { createBatcher, type Batcher, type BatcherOptions } from "./work-queue.js";
export { loadKubeConfig } from "./kube-config.js";
export { kubeRequest, type KubeRequest } from "./kube-request.js";
export { KubeError, isConflict, isNotFound } from "./kube-error.js";
export { KIND_RESOURCES, WATCHED_KINDS, collectionPath, objectPath, type KindResource } from "./kinds.js";
export { systemClock, type Clock } from "./clock.js";
export { backoffDelay, type BackoffOptions } from "./backoff.js";
