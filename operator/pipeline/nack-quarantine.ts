/**
 * Quarantine of what Envoy rejects. A NACK names a response; the resources in it that changed since
 * what Envoy accepted are the suspects' work, and their pieces (virtual hosts, SNI chains, clusters,
 * secrets) point back to the sources that contributed them. One source: it is quarantined (left
 * out, status invalid with Envoy's error) and everything is pushed again. Several: half of them are
 * withdrawn (their previous contribution stands in) and the rest pushed; an ACK clears those that
 * stayed and puts the withdrawn back (a NACK of them then narrows further), a NACK narrows to those
 * that stayed. Each round halves the suspects, so a culprit among n is found in about 2·log2(n)
 * pushes while every other tenant's changes keep flowing. A NACK or ACK of a version no longer
 * served (a second Envoy answering late) is ignored: the answer to the current one decides.
 */
import type { Snapshot } from "../../xds/cache/index.js";
import { typeNameOf } from "../../xds/cache/index.js";
import type { XdsOutcome } from "../../xds/server/index.js";
import { formatKey, type ObjectKey } from "../../controllers/source/object-cache.js";
import type { Logger } from "../log.js";
import type { Pipeline } from "./pipeline.js";
import { rejectedPieces } from "./rejected-pieces.js";

/** Options of createNackQuarantine. */
export interface NackQuarantineOptions {
  readonly pipeline: Pick<Pipeline, "sourcesOf" | "quarantine" | "withdraw" | "restoreWithdrawn" | "withdrawn" | "quarantined">;
  /** The snapshot being served. */
  readonly current: () => Snapshot | undefined;
  /** Asks for a rebuild and publish (batched by the caller). */
  readonly rebuild: () => void;
  readonly log: Logger;
  /** How long a bisection step may wait for Envoy's answer before the withdrawn are put back; default 10 s. */
  readonly probeTimeoutMs?: number;
}

/** The quarantine's reactions to Envoy's answers. */
export interface NackQuarantine {
  /** Feeds an ACK or NACK from any stream. */
  onOutcome(outcome: XdsOutcome): void;
  /** Tells it a snapshot was published: a step whose resources are back to what Envoy accepted needs no answer. */
  onPublished(snapshot: Snapshot): void;
  /** Stops its timer. */
  stop(): void;
}

interface Probe {
  readonly typeUrl: string;
  /** The publish count when the step began: only answers to later snapshots count. */
  readonly since: number;
  /** Name → version Envoy accepted, of the resources the step is about. */
  readonly accepted: ReadonlyMap<string, string | undefined>;
  /** Suspects left in this step: cleared if Envoy accepts it. */
  readonly kept: readonly ObjectKey[];
}

/** Creates the NACK quarantine of a pipeline. */
export function createNackQuarantine(options: NackQuarantineOptions): NackQuarantine {
  const { pipeline, log } = options;
  let probe: Probe | undefined;
  // Suspects Envoy accepted in a step: not suspects of the same fault again until it is found.
  const cleared = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  // One decision per published snapshot: every Envoy answers the snapshot it was sent, and after a
  // decision (quarantine, withdrawal) what the others say about that snapshot is already out of
  // date (a second Envoy's NACK would otherwise blame only those left in). Answers count again once
  // the decision is published.
  let publishes = 0;
  let decidedAt = -1;
  let publishedVersion: string | undefined;

  const endStep = (why: string): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (probe === undefined) return;
    for (const key of probe.kept) cleared.add(formatKey(key));
    probe = undefined;
    const restored = pipeline.restoreWithdrawn();
    log.info({ restored, why }, "xDS NACK bisection: the sources that stayed are cleared; the withdrawn ones are tried again");
    options.rebuild();
  };

  function onNack(outcome: XdsOutcome & { readonly event: { readonly kind: "nack" } }): void {
    const event = outcome.event;
    const snapshot = options.current();
    const live = event.rejected.filter((r) => snapshot !== undefined && servedVersion(snapshot, event.typeUrl, r.name, r.version));
    const type = typeNameOf(event.typeUrl);
    if (live.length === 0) {
      log.debug({ type, node: outcome.node }, "ignored a NACK of a version no longer served");
      return;
    }
    if (decidedAt === publishes) {
      log.debug({ type, node: outcome.node }, "ignored a NACK of a snapshot already decided on");
      return;
    }
    const pieces = live.flatMap((r) => rejectedPieces({ typeUrl: event.typeUrl, name: r.name, rejected: r.any, accepted: event.accepted.get(r.name)?.any }));
    const held = new Set([...pipeline.withdrawn(), ...pipeline.quarantined().map((q) => q.key)].map(formatKey));
    const suspects = pipeline.sourcesOf(pieces).filter((k) => !held.has(formatKey(k)) && !cleared.has(formatKey(k)));
    const names = live.map((r) => r.name);
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    probe = undefined;
    if (suspects.length === 0) {
      log.error({ type, resources: names, node: outcome.node, envoyError: event.message }, "Envoy rejected a resource no source object can be blamed for");
      cleared.clear();
      if (pipeline.restoreWithdrawn() > 0) options.rebuild();
      return;
    }
    // Quarantining or withdrawing changes the snapshot: until it is published, other answers are stale.
    decidedAt = publishes;
    if (suspects.length === 1) {
      const message = `Envoy rejected the ${type} ${names.map((n) => JSON.stringify(n)).join(", ")} built from this object: ${event.message}`;
      for (const key of pipeline.quarantine(suspects, "nack", message)) {
        log.warn({ kind: key.kind, namespace: key.namespace, name: key.name, reason: "EnvoyRejected", type, node: outcome.node, envoyError: event.message }, "quarantined: Envoy rejected what this object builds");
      }
      cleared.clear();
      pipeline.restoreWithdrawn();
      options.rebuild();
      return;
    }
    const withdrawn = suspects.slice(0, Math.ceil(suspects.length / 2));
    const kept = suspects.slice(withdrawn.length);
    pipeline.withdraw(withdrawn);
    probe = { typeUrl: event.typeUrl, since: publishes, accepted: new Map(live.map((r) => [r.name, event.accepted.get(r.name)?.version] as const)), kept };
    log.info({ type, suspects: suspects.length, withdrawn: withdrawn.map(formatKey), node: outcome.node }, "xDS NACK with several suspects: withdrawing half of them");
    timer = setTimeout(() => endStep("no answer from Envoy"), options.probeTimeoutMs ?? 10_000);
    timer.unref?.();
    options.rebuild();
  }

  return {
    onOutcome(outcome) {
      const event = outcome.event;
      if (event.kind === "nack") return onNack({ ...outcome, event });
      if (probe === undefined || event.typeUrl !== probe.typeUrl || publishes <= probe.since) return;
      const snapshot = options.current();
      const answered = event.resources.some((r) => probe?.accepted.has(r.name) === true && snapshot !== undefined && servedVersion(snapshot, event.typeUrl, r.name, r.version));
      if (answered) endStep("Envoy accepted the step");
    },
    onPublished(snapshot) {
      if (snapshot.version !== publishedVersion) publishes++;
      publishedVersion = snapshot.version;
      if (probe === undefined || publishes <= probe.since) return;
      const typeUrl = probe.typeUrl;
      // Withdrawing brought the resources back to what Envoy runs: nothing will be sent, nothing answered.
      const unchanged = [...probe.accepted].every(([name, version]) => version !== undefined && servedVersion(snapshot, typeUrl, name, version));
      if (unchanged) endStep("the step is what Envoy already runs");
    },
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** Whether the snapshot serves this version of a resource, to SotW or to delta streams. */
function servedVersion(snapshot: Snapshot, typeUrl: string, name: string, version: string): boolean {
  const url = typeUrl as keyof Snapshot["types"];
  return snapshot.types[url]?.resources.get(name)?.version === version || snapshot.deltaTypes[url]?.resources.get(name)?.version === version;
}
