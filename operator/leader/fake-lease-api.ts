// An in-memory Lease with resourceVersions, for tests of the elector; several LeaseApis share one store.
import { KubeError } from "../runtime/kube-error.js";
import type { LeaseApi, ObservedLease } from "./lease-api.js";
import type { LeaseRecord } from "./lease-decision.js";

/** The single stored Lease. */
export interface FakeLeaseStore {
  lease: ObservedLease | undefined;
  /** Writes so far (create + replace), for assertions. */
  writes: number;
}

/** A LeaseApi on the store, plus switches to simulate an unreachable API server or a lost race. */
export interface FakeLeaseApi extends LeaseApi {
  /** While true every call rejects like a network error. */
  unreachable: boolean;
  /** The next N writes reject with 409 as if another writer got in first. */
  conflictNextWrites: number;
}

/** Creates an empty store. */
export function createFakeLeaseStore(): FakeLeaseStore {
  return { lease: undefined, writes: 0 };
}

/** A client of the store. */
export function createFakeLeaseApi(store: FakeLeaseStore): FakeLeaseApi {
  let rv = 0;
  const nextRv = (): string => String(Number(store.lease?.resourceVersion ?? rv) + 1);
  const fake: FakeLeaseApi = {
    description: "test/lease",
    unreachable: false,
    conflictNextWrites: 0,
    async get() {
      if (fake.unreachable) throw new KubeError("connect ECONNREFUSED", undefined);
      return store.lease;
    },
    async create(record: LeaseRecord) {
      if (fake.unreachable) throw new KubeError("connect ECONNREFUSED", undefined);
      if (store.lease !== undefined) throw new KubeError("already exists", 409, "AlreadyExists");
      rv = 1;
      store.lease = { record, resourceVersion: "1" };
      store.writes++;
    },
    async replace(record: LeaseRecord, resourceVersion: string) {
      if (fake.unreachable) throw new KubeError("connect ECONNREFUSED", undefined);
      if (fake.conflictNextWrites > 0) {
        fake.conflictNextWrites--;
        store.lease = store.lease === undefined ? undefined : { ...store.lease, resourceVersion: nextRv() };
        throw new KubeError("the object has been modified", 409, "Conflict");
      }
      if (store.lease === undefined) throw new KubeError("not found", 404, "NotFound");
      if (store.lease.resourceVersion !== resourceVersion) throw new KubeError("the object has been modified", 409, "Conflict");
      store.lease = { record, resourceVersion: nextRv() };
      store.writes++;
    },
  };
  return fake;
}
