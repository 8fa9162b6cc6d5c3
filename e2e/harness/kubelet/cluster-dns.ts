// The bed's cluster DNS (what CoreDNS does in a cluster): answers `<svc>.<ns>.svc.cluster.local` with the
// Service's ClusterIP (a headless Service: its ready endpoints) over UDP and TCP on the node address,
// port 53. Pods find it through the resolv.conf the kubelet bind-mounts at /etc/resolv.conf, whose
// search domains make short names (`contour`, `contour.projectcontour`) work as in a cluster.
// Names outside cluster.local are refused: pods reach nothing outside the bed.
import { createSocket, type Socket } from "node:dgram";
import { createServer, type Server } from "node:net";
import * as packet from "dns-packet";
import { createApiClient, type ApiTarget, type KubeObject } from "./api.js";

/** The cluster domain, as kubelet's --cluster-domain. */
export const CLUSTER_DOMAIN = "cluster.local";

interface Service extends KubeObject {
  spec?: { clusterIP?: string; type?: string; externalName?: string };
}
interface EndpointSlice extends KubeObject {
  addressType?: string;
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean } }>;
}

/** A running cluster DNS. */
export interface ClusterDns {
  readonly address: string;
  /** The resolv.conf of a pod in `namespace`. */
  resolvConf(namespace: string): string;
  stop(): Promise<void>;
}

/** What the DNS knows: Service name -> ClusterIP, or the endpoint addresses of a headless Service. */
export interface DnsRecords {
  lookup(name: string): { addresses: string[] } | "nxdomain" | "refused";
}

/** The records of these Services and slices (pure, for unit tests). */
export function dnsRecords(services: Iterable<Service>, slices: Iterable<EndpointSlice>): DnsRecords {
  const byName = new Map<string, string[]>();
  const sliceList = [...slices];
  for (const svc of services) {
    const ns = svc.metadata?.namespace ?? "";
    const name = svc.metadata?.name ?? "";
    const ip = svc.spec?.clusterIP;
    let addresses: string[] = [];
    if (ip !== undefined && ip !== "" && ip !== "None") addresses = [ip];
    else if (ip === "None") {
      for (const s of sliceList) {
        const labels = s.metadata?.["labels"] as Record<string, string> | undefined;
        if (s.metadata?.namespace !== ns || labels?.["kubernetes.io/service-name"] !== name || s.addressType !== "IPv4") continue;
        for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false && e.addresses[0] !== undefined) addresses.push(e.addresses[0]);
      }
      addresses.sort();
    }
    byName.set(`${name}.${ns}.svc.${CLUSTER_DOMAIN}`, addresses);
  }
  return {
    lookup(raw) {
      const name = raw.toLowerCase().replace(/\.$/, "");
      if (name !== CLUSTER_DOMAIN && !name.endsWith(`.${CLUSTER_DOMAIN}`)) return "refused";
      const found = byName.get(name);
      return found === undefined ? "nxdomain" : { addresses: found };
    },
  };
}

/** The answer to one query packet (pure, for unit tests). */
export function answer(query: Buffer, records: DnsRecords): Buffer {
  const q = packet.decode(query);
  const question = q.questions?.[0];
  const base = { id: q.id ?? 0, type: "response" as const, flags: packet.RECURSION_DESIRED | packet.RECURSION_AVAILABLE | packet.AUTHORITATIVE_ANSWER, questions: q.questions ?? [] };
  if (question === undefined) return packet.encode({ ...base, flags: base.flags | 1 /* FORMERR */ });
  const found = records.lookup(question.name);
  if (found === "refused") return packet.encode({ ...base, flags: (base.flags & ~packet.AUTHORITATIVE_ANSWER) | 5 });
  if (found === "nxdomain") return packet.encode({ ...base, flags: base.flags | 3 });
  // AAAA and other types of a known name: no data (NOERROR, no answers), so resolvers fall back to A.
  const answers = question.type === "A" ? found.addresses.map((data) => ({ type: "A" as const, class: "IN" as const, name: question.name, ttl: 5, data })) : [];
  return packet.encode({ ...base, answers });
}

/** Starts the DNS on address:53 (UDP and TCP), fed by watches of Services and EndpointSlices. */
export async function startClusterDns(apiserver: ApiTarget, address: string, log: (line: string) => void): Promise<ClusterDns> {
  const api = createApiClient(apiserver);
  const services = new Map<string, Service>();
  const slices = new Map<string, EndpointSlice>();
  let records = dnsRecords([], []);
  const rebuild = (): void => {
    records = dnsRecords(services.values(), slices.values());
  };
  const key = (o: KubeObject): string => `${o.metadata?.namespace}/${o.metadata?.name}`;
  const watches = [
    api.watch<Service>("/api/v1/services", (e) => {
      if (e.type === "DELETED") services.delete(key(e.object));
      else services.set(key(e.object), e.object);
      rebuild();
    }),
    api.watch<EndpointSlice>("/apis/discovery.k8s.io/v1/endpointslices", (e) => {
      if (e.type === "DELETED") slices.delete(key(e.object));
      else slices.set(key(e.object), e.object);
      rebuild();
    }),
  ];
  const reply = (query: Buffer): Buffer | undefined => {
    try {
      return answer(query, records);
    } catch (err) {
      log(`cluster dns: bad query: ${String(err)}`);
      return undefined;
    }
  };

  const udp: Socket = createSocket("udp4");
  udp.on("message", (msg, rinfo) => {
    const out = reply(msg);
    if (out !== undefined) udp.send(out, rinfo.port, rinfo.address);
  });
  const tcp: Server = createServer((socket) => {
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const length = buffered.readUInt16BE(0);
        const out = reply(buffered.subarray(2, 2 + length));
        buffered = buffered.subarray(2 + length);
        if (out !== undefined) {
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(out.length);
          socket.write(Buffer.concat([prefix, out]));
        }
      }
    });
    socket.on("error", () => socket.destroy());
  });
  try {
    await new Promise<void>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind(53, address, () => resolve());
    });
    await new Promise<void>((resolve, reject) => {
      tcp.once("error", reject);
      tcp.listen(53, address, () => resolve());
    });
  } catch (err) {
    udp.close();
    tcp.close();
    for (const w of watches) w.close();
    api.close();
    throw new Error(`the bed's cluster DNS cannot listen on ${address}:53: ${String(err)}`);
  }
  return {
    address,
    resolvConf: (namespace) => `search ${namespace}.svc.${CLUSTER_DOMAIN} svc.${CLUSTER_DOMAIN} ${CLUSTER_DOMAIN}\nnameserver ${address}\noptions ndots:5\n`,
    async stop() {
      for (const w of watches) w.close();
      api.close();
      udp.close();
      await new Promise<void>((resolve) => {
        tcp.close(() => resolve());
        tcp.unref();
      });
    },
  };
}
