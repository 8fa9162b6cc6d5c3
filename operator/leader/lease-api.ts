// Reading and writing one Lease object, behind an interface so the elector can be tested with a fake.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from "@kubernetes/client-node";
import { KubeError, isNotFound } from "../runtime/kube-error.js";
import type { LeaseRecord } from "./lease-decision.js";

/** A Lease as read: its election fields and the resourceVersion to write against. */
export interface ObservedLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

/** Access to the one Lease used for election. Writes are optimistic: a stale resourceVersion rejects with a 409 KubeError. */
export interface LeaseApi {
  /** "namespace/name", for logs. */
  readonly description: string;
  /** The Lease, or undefined when it does not exist. */
  get(): Promise<ObservedLease | undefined>;
  /** Creates the Lease; 409 when someone created it first. */
  create(record: LeaseRecord): Promise<void>;
  /** Replaces the Lease's spec if it is still at `resourceVersion`; 409 otherwise. */
  replace(record: LeaseRecord, resourceVersion: string): Promise<void>;
}

/** This replica's name in the Lease: the host (pod) name plus a random suffix, unique across restarts. */
export function createIdentity(): string {
  return `${hostname()}_${randomBytes(4).toString("hex")}`;
}

/** A LeaseApi over coordination.k8s.io/v1 Leases. */
export function createKubeLeaseApi(kubeConfig: KubeConfig, namespace: string, name: string): LeaseApi {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const toLease = (record: LeaseRecord, resourceVersion?: string): V1Lease => ({
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      leaseTransitions: record.leaseTransitions,
      // MicroTime: client-node's subclass serialises with the microsecond digits the API server requires.
      ...(record.acquireTime === undefined ? {} : { acquireTime: new V1MicroTime(record.acquireTime) }),
      ...(record.renewTime === undefined ? {} : { renewTime: new V1MicroTime(record.renewTime) }),
    },
  });
  return {
    description: `${namespace}/${name}`,
    async get() {
      try {
        const lease = await api.readNamespacedLease({ name, namespace });
        return { record: fromLease(lease), resourceVersion: lease.metadata?.resourceVersion ?? "" };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw KubeError.from(err);
      }
    },
    async create(record) {
      try {
        await api.createNamespacedLease({ namespace, body: toLease(record) });
      } catch (err) {
        throw KubeError.from(err);
      }
    },
    async replace(record, resourceVersion) {
      try {
        await api.replaceNamespacedLease({ name, namespace, body: toLease(record, resourceVersion) });
      } catch (err) {
        throw KubeError.from(err);
      }
    },
  };
}

/** The election fields of a Lease as client-node returns it (MicroTimes arrive as strings, typed as Dates). */
export function fromLease(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? "",
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: toMs(spec.acquireTime),
    renewTime: toMs(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

function toMs(value: Date | string | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}
