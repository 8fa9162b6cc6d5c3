// Public surface of leader election.
export { createLeaderElector, createStaticLeader, type LeaderElector, type LeaderElectorOptions } from "./leader-elector.js";
export { createKubeLeaseApi, createIdentity, type LeaseApi, type ObservedLease } from "./lease-api.js";
export { decideLease, type LeaseDecision, type LeaseRecord } from "./lease-decision.js";
