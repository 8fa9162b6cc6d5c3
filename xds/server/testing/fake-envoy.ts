// A gRPC client that subscribes and ACKs like Envoy does (CDS and LDS wildcard, EDS for the
// clusters it got, RDS for its listeners' route names): the benchmark's stand-in when no Envoy
// binary is available, and a way for tests to watch a whole exchange over the wire.
import { fromBinary } from "@bufbuild/protobuf";
import { ClusterSchema } from "../../gen/envoy/config/cluster/v3/cluster_pb.js";
import { ListenerSchema } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import { clusterReferences, listenerReferences } from "../../cache/references.js";
import { TypeUrl } from "../../resources.js";
import { deltaRequest, sotwRequest } from "./streams.js";
import type { XdsTestClient } from "./xds-client.js";

/** A running fake Envoy. */
export interface FakeEnvoy {
  /** Resolves once the client has accepted `version` for a type (SotW version_info / delta system_version_info). */
  accepted(typeUrl: string, version: string, timeoutMs?: number): Promise<void>;
  /** Protobuf bytes received so far, by type URL. */
  readonly bytes: Map<string, number>;
  stop(): void;
}

/** Starts a fake Envoy on `client` speaking SotW or delta ADS. */
export function startFakeEnvoy(client: XdsTestClient, mode: "sotw" | "delta", nodeId = "fake-envoy"): FakeEnvoy {
  const accepted = new Map<string, string>();
  const bytes = new Map<string, number>();
  const waiters = new Set<() => void>();
  const note = (typeUrl: string, version: string, size: number): void => {
    accepted.set(typeUrl, version);
    bytes.set(typeUrl, (bytes.get(typeUrl) ?? 0) + size);
    for (const w of [...waiters]) w();
  };
  let running = true;
  let stop: () => void;

  if (mode === "sotw") {
    const call = client.sotw();
    const names = new Map<string, string[]>([[TypeUrl.endpoint, []], [TypeUrl.route, []]]);
    const nonces = new Map<string, string>();
    const versions = new Map<string, string>();
    const request = (typeUrl: string): void =>
      call.send(sotwRequest(typeUrl, { names: names.get(typeUrl) ?? [], nonce: nonces.get(typeUrl) ?? "", version: versions.get(typeUrl) ?? "", node: nodeId }));
    request(TypeUrl.cluster);
    request(TypeUrl.listener);
    void (async () => {
      while (running) {
        const r = await call.next(3_600_000).catch(() => undefined);
        if (r === undefined) return;
        // Like Envoy: subscribe to what the response implies before ACKing it.
        if (r.typeUrl === TypeUrl.cluster || r.typeUrl === TypeUrl.listener) {
          const wanted = new Set<string>();
          for (const any of r.resources) {
            const refs = r.typeUrl === TypeUrl.cluster ? clusterReferences(fromBinary(ClusterSchema, any.value)) : listenerReferences(fromBinary(ListenerSchema, any.value));
            for (const ref of refs.references) if (ref.type === "endpoint" || ref.type === "route") wanted.add(ref.name);
          }
          const dependent = r.typeUrl === TypeUrl.cluster ? TypeUrl.endpoint : TypeUrl.route;
          names.set(dependent, [...wanted].sort());
          request(dependent);
        }
        nonces.set(r.typeUrl, r.nonce);
        versions.set(r.typeUrl, r.versionInfo);
        request(r.typeUrl);
        note(r.typeUrl, r.versionInfo, r.resources.reduce((n, a) => n + a.value.length, 0));
      }
    })();
    stop = () => call.cancel();
  } else {
    const call = client.delta();
    const subscribed = new Map<string, Set<string>>([[TypeUrl.endpoint, new Set()], [TypeUrl.route, new Set()]]);
    call.send(deltaRequest(TypeUrl.cluster, { node: nodeId }));
    call.send(deltaRequest(TypeUrl.listener));
    void (async () => {
      while (running) {
        const r = await call.next(3_600_000).catch(() => undefined);
        if (r === undefined) return;
        if (r.typeUrl === TypeUrl.cluster || r.typeUrl === TypeUrl.listener) {
          const dependent = r.typeUrl === TypeUrl.cluster ? TypeUrl.endpoint : TypeUrl.route;
          const have = subscribed.get(dependent) as Set<string>;
          const add: string[] = [];
          for (const res of r.resources) {
            if (res.resource === undefined) continue;
            const refs =
              r.typeUrl === TypeUrl.cluster
                ? clusterReferences(fromBinary(ClusterSchema, res.resource.value))
                : listenerReferences(fromBinary(ListenerSchema, res.resource.value));
            for (const ref of refs.references) if ((ref.type === "endpoint" || ref.type === "route") && !have.has(ref.name)) add.push(ref.name);
          }
          const remove = r.removedResources.filter((n) => have.has(n));
          for (const n of add) have.add(n);
          for (const n of remove) have.delete(n);
          if (add.length > 0 || remove.length > 0) {
            call.send(deltaRequest(dependent, { subscribe: add, unsubscribe: remove }));
          }
        }
        call.send(deltaRequest(r.typeUrl, { nonce: r.nonce }));
        note(r.typeUrl, r.systemVersionInfo, r.resources.reduce((n, x) => n + (x.resource?.value.length ?? 0), 0));
      }
    })();
    stop = () => call.cancel();
  }

  return {
    async accepted(typeUrl, version, timeoutMs = 60_000) {
      if (accepted.get(typeUrl) === version) return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`fake Envoy: ${typeUrl} version ${version} not accepted within ${timeoutMs} ms (has ${accepted.get(typeUrl)})`));
        }, timeoutMs);
        const check = (): void => {
          if (accepted.get(typeUrl) !== version) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    bytes,
    stop() {
      running = false;
      stop();
    },
  };
}
