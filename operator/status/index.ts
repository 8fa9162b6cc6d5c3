// Public surface of the status writer.
export { createStatusWriter, type StatusWriter, type StatusWriterOptions, type StatusUpdate, type StatusResult } from "./status-writer.js";
export { computeIngressLoadBalancer, loadBalancerFromAddresses, loadBalancerFromService, type IngressLoadBalancerStatus, type ServiceWithStatus } from "./ingress-load-balancer.js";
export { createKubeStatusApi, type StatusApi, type ObjectWithStatus } from "./status-api.js";
