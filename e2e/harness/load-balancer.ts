// The bed's cloud load balancer (what MetalLB or Cilium's LB IPAM and kube-proxy do in a cluster): every Service of type
// LoadBalancer gets an address of 198.19.255.0/24 on the bed's host link (the addresses it asks for through
// `lbipam.cilium.io/ips` or spec.loadBalancerIP, or none when it cannot have them all: load-balancer-requests.ts,
// told in a Service status condition, a Warning Event and the log), its status.loadBalancer.ingress,
// and nftables DNAT from that address's ports to the Service's ready endpoints (output hook for host
// processes, prerouting for pods). The rules live in one table named after the test process, rewritten
// whole on every change and deleted with the bed; a killed run's table is deleted by the next run.
import { execFileSync } from "node:child_process";
import type { HostAddresses } from "./host-addresses.js";
import { createApiClient, type ApiClient, type ApiTarget, type KubeObject } from "./kubelet/api.js";
import { isAlive } from "./run-dir.js";
import { errorMessage } from "./wait-for.js";
import { decideRequest, requestConditions, requestedAddresses, type AddressDecision, type RequestingService, type ServiceCondition } from "./load-balancer-requests.js";

const TABLE_PREFIX = "contour_e2e_lb_";
const NFT = ["/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft"];

/** A running load balancer. */
export interface LoadBalancer {
  /** The address given to a Service, if any. */
  addressOf(namespace: string, name: string): string | undefined;
  stop(): Promise<void>;
}

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
}

interface Service extends KubeObject {
  spec?: { type?: string; ports?: ServicePort[]; loadBalancerIP?: string; loadBalancerClass?: string };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> }; conditions?: ServiceCondition[] };
}

interface EndpointSlice extends KubeObject {
  addressType?: string;
  ports?: Array<{ name?: string; port?: number; protocol?: string }>;
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean } }>;
}

/** The path of `nft`, or an error naming the package and the cause. */
export function nftBinary(candidates: readonly string[] = NFT): string {
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ["--version"], { stdio: "ignore" });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error("the e2e LoadBalancer Services need the `nft` command (Debian package nftables) and root; run `make tools`");
}

/** A Service port's DNAT targets: (address, port) of each ready endpoint. */
export interface ForwardRule {
  readonly address: string;
  readonly port: number;
  readonly protocol: "tcp" | "udp";
  readonly targets: ReadonlyArray<{ address: string; port: number }>;
}

/**
 * A service CIDR for one cluster bed: a random /24 of 198.19.0.0/17 (the bed's own range, never 10.x),
 * random so that beds running side by side rarely allocate the same ClusterIP.
 */
export function pickServiceRange(random: () => number = Math.random): string {
  return `198.19.${Math.floor(random() * 128)}.0/24`;
}

/** Whether `ip` is inside the /24 `range` (a pickServiceRange value). */
export function inServiceRange(ip: string, range: string | undefined): boolean {
  if (range === undefined || !range.endsWith(".0/24")) return false;
  return ip.startsWith(range.slice(0, -"0/24".length));
}

/** The nft script that replaces the table with these rules (pure, for unit tests). */
export function nftScript(table: string, rules: readonly ForwardRule[], serviceRange?: string): string {
  const natted = serviceRange === undefined ? "198.19.255.0/24" : `{ 198.19.255.0/24, ${serviceRange} }`;
  const lines = [
    `table ip ${table}`,
    `delete table ip ${table}`,
    `table ip ${table} {`,
    "  chain prerouting { type nat hook prerouting priority dstnat; policy accept; jump services; }",
    "  chain output { type nat hook output priority -100; policy accept; jump services; }",
    // Replies must come back through the host to be un-DNATed: a pod reaching itself through its
    // Service address, or a host process whose source is the LoadBalancer address, is masqueraded.
    `  chain postrouting { type nat hook postrouting priority srcnat; policy accept; ct status dnat ct original ip daddr ${natted} masquerade; }`,
    "  chain services {",
  ];
  for (const r of rules) {
    if (r.targets.length === 0) continue;
    const map = r.targets.map((t, i) => `${i} : ${t.address} . ${t.port}`).join(", ");
    lines.push(`    ip daddr ${r.address} ${r.protocol} dport ${r.port} dnat ip to numgen random mod ${r.targets.length} map { ${map} }`);
  }
  lines.push("  }", "}");
  return lines.join("\n") + "\n";
}

/**
 * The forwarding rules of one Service at `address`, from its EndpointSlices (pure): the ready endpoints
 * of each port; when a port has none, its serving endpoints of terminating pods, as kube-proxy does
 * (ProxyTerminatingEndpoints, GA in 1.28): a terminating pod's endpoint turns not-ready at once, so new
 * connections leave it as soon as another pod is ready, yet the last pod of a Service keeps its traffic
 * while it drains instead of the address refusing connections.
 */
export function serviceRules(service: Service, address: string, slices: readonly EndpointSlice[]): ForwardRule[] {
  return (service.spec?.ports ?? []).map((p) => {
    const protocol = (p.protocol ?? "TCP").toLowerCase() === "udp" ? "udp" : "tcp";
    const collect = (usable: (c: { ready?: boolean; serving?: boolean; terminating?: boolean }) => boolean): Array<{ address: string; port: number }> => {
      const targets: Array<{ address: string; port: number }> = [];
      for (const slice of slices) {
        if (slice.addressType !== "IPv4") continue;
        const port = slice.ports?.find((sp) => (sp.name ?? "") === (p.name ?? "") && (sp.protocol ?? "TCP") === (p.protocol ?? "TCP"))?.port;
        if (port === undefined) continue;
        for (const e of slice.endpoints ?? []) {
          const ip = e.addresses[0];
          if (ip !== undefined && usable(e.conditions ?? {}) && !targets.some((t) => t.address === ip && t.port === port)) targets.push({ address: ip, port });
        }
      }
      return targets.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port));
    };
    const ready = collect((c) => c.ready !== false);
    const targets = ready.length > 0 ? ready : collect((c) => c.terminating === true && c.serving === true);
    return { address, port: p.port, protocol, targets };
  });
}

/**
 * Starts watching Services and EndpointSlices. With `serviceRange` (the API server's service CIDR) every
 * ClusterIP of it is DNATed to its ready endpoints too, as kube-proxy does; default/kubernetes's :443
 * goes to `apiserverFromPods` (the relay on the node address that KUBERNETES_SERVICE_HOST names).
 */
export function startLoadBalancer(apiserver: ApiTarget, addresses: HostAddresses, log: (line: string) => void, serviceRange?: string, apiserverFromPods?: { host: string; port: number }): LoadBalancer {
  const nft = nftBinary();
  removeStaleTables(nft);
  const table = `${TABLE_PREFIX}${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const api: ApiClient = createApiClient(apiserver);
  const services = new Map<string, Service>();
  const slices = new Map<string, EndpointSlice>();
  // Service key → the addresses it holds (several when it asked for several).
  const assigned = new Map<string, string[]>();
  // Service key → the last refusal told in an Event, so one refusal is one Event.
  const refusals = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;
  let lastScript = "";
  let stopped = false;

  const key = (o: KubeObject): string => `${o.metadata?.namespace}/${o.metadata?.name}`;
  const isLb = (s: Service): boolean => s.spec?.type === "LoadBalancer" && s.spec.loadBalancerClass === undefined;

  const release = (k: string, held: readonly string[]): void => {
    for (const address of held) addresses.removeAddress(address);
    assigned.delete(k);
  };

  // Gives the Service what it asks for, or nothing (see load-balancer-requests.ts); one that asks for nothing keeps its address or gets one of the auto-assign hosts.
  const decide = (k: string, svc: Service): AddressDecision => {
    const requested = requestedAddresses(svc as RequestingService);
    const held = assigned.get(k) ?? [];
    if (requested.length === 0) {
      // A Service that asked for several addresses and asks no more keeps none of them but gets one.
      if (held.length > 1) release(k, held);
      if ((assigned.get(k) ?? []).length === 0) {
        try {
          assigned.set(k, [addresses.addLoadBalancerAddress()]);
        } catch (err) {
          return { ok: false, reason: "pool_exhausted", message: errorMessage(err) };
        }
      }
      return { ok: true, addresses: assigned.get(k) ?? [] };
    }
    if (held.length === requested.length && requested.every((a) => held.includes(a))) return { ok: true, addresses: held };
    const holderOf = (address: string): string | undefined => [...assigned].find(([other, list]) => other !== k && list.includes(address))?.[0];
    const decision = decideRequest(requested, holderOf, (address) => !held.includes(address) && addresses.isOnHost(address));
    if (!decision.ok) {
      release(k, held);
      return decision;
    }
    for (const address of held) if (!requested.includes(address)) addresses.removeAddress(address);
    try {
      for (const address of requested) if (!held.includes(address)) addresses.addRequestedAddress(address);
    } catch (err) {
      release(k, requested);
      return { ok: false, reason: "already_allocated", message: `could not put the requested addresses on the host: ${errorMessage(err)}` };
    }
    assigned.set(k, [...requested]);
    log(`load balancer: ${k} gets its requested ${requested.join(", ")}`);
    return decision;
  };

  // status.loadBalancer and the request condition, written only when they differ; a refusal also becomes a Warning Event and a log line.
  const writeStatus = (k: string, svc: Service, held: readonly string[], decision: AddressDecision): void => {
    const ips = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip);
    const ingressChanged = ips.length !== held.length || held.some((a, i) => ips[i] !== a);
    const conditions = requestConditions(svc.status?.conditions, decision, svc.metadata?.generation as number | undefined, new Date().toISOString().replace(/\.\d+Z$/, "Z"));
    if (ingressChanged || conditions !== undefined) {
      const loadBalancer = held.length > 0 ? { ingress: held.map((ip) => ({ ip, ipMode: "VIP" })) } : { ingress: null };
      void api
        .request("PATCH", `/api/v1/namespaces/${svc.metadata?.namespace}/services/${svc.metadata?.name}/status`, { status: { loadBalancer, ...(conditions !== undefined ? { conditions } : {}) } })
        .catch((err: unknown) => log(`load balancer: status of ${k}: ${errorMessage(err)}`));
    }
    if (decision.ok) {
      refusals.delete(k);
      return;
    }
    if (refusals.get(k) === decision.message) return;
    refusals.set(k, decision.message);
    log(`load balancer: ${k} gets no address: ${decision.message} (${decision.reason})`);
    const now = new Date().toISOString();
    void api
      .request("POST", `/api/v1/namespaces/${svc.metadata?.namespace}/events`, {
        apiVersion: "v1",
        kind: "Event",
        metadata: { generateName: `${svc.metadata?.name}.`, namespace: svc.metadata?.namespace },
        involvedObject: { apiVersion: "v1", kind: "Service", namespace: svc.metadata?.namespace, name: svc.metadata?.name, uid: svc.metadata?.uid },
        type: "Warning",
        reason: "AllocationFailed",
        message: decision.message,
        source: { component: "bed-load-balancer" },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      })
      .catch((err: unknown) => log(`load balancer: event of ${k}: ${errorMessage(err)}`));
  };

  const sync = (): void => {
    timer = undefined;
    if (stopped) return;
    const rules: ForwardRule[] = [];
    for (const [k, held] of assigned) {
      const svc = services.get(k);
      if (svc === undefined || !isLb(svc)) release(k, held);
    }
    const sliceOf = (svc: Service): EndpointSlice[] =>
      [...slices.values()].filter((s) => s.metadata?.namespace === svc.metadata?.namespace && (s.metadata?.["labels"] as Record<string, string> | undefined)?.["kubernetes.io/service-name"] === svc.metadata?.name);
    for (const [k, svc] of services) {
      const clusterIp = (svc.spec as { clusterIP?: string } | undefined)?.clusterIP;
      if (clusterIp === undefined || !inServiceRange(clusterIp, serviceRange)) continue;
      // The API server's own endpoints name its 127.0.0.1 port; pods reach it through the relay on the node address.
      if (k === "default/kubernetes") {
        if (apiserverFromPods !== undefined) rules.push({ address: clusterIp, port: 443, protocol: "tcp", targets: [{ address: apiserverFromPods.host, port: apiserverFromPods.port }] });
        continue;
      }
      rules.push(...serviceRules(svc, clusterIp, sliceOf(svc)));
    }
    for (const [k, svc] of services) {
      if (!isLb(svc)) continue;
      const decision = decide(k, svc);
      const held = assigned.get(k) ?? [];
      for (const address of held) rules.push(...serviceRules(svc, address, sliceOf(svc)));
      writeStatus(k, svc, held, decision);
    }
    const script = nftScript(table, rules, serviceRange);
    if (script === lastScript) return;
    try {
      execFileSync(nft, ["-f", "-"], { input: script, stdio: ["pipe", "ignore", "pipe"] });
      lastScript = script;
      log(`load balancer: ${rules.filter((r) => r.targets.length > 0).length} forwarding rules`);
    } catch (err) {
      log(`load balancer: nft failed: ${(err as { stderr?: Buffer }).stderr?.toString() ?? errorMessage(err)}\n${script}`);
    }
  };
  const schedule = (): void => {
    timer ??= setTimeout(sync, 20);
  };

  const watches = [
    api.watch<Service>("/api/v1/services", (e) => {
      if (e.type === "DELETED") services.delete(key(e.object));
      else services.set(key(e.object), e.object);
      schedule();
    }),
    api.watch<EndpointSlice>("/apis/discovery.k8s.io/v1/endpointslices", (e) => {
      if (e.type === "DELETED") slices.delete(key(e.object));
      else slices.set(key(e.object), e.object);
      schedule();
    }),
  ];

  return {
    addressOf: (namespace, name) => assigned.get(`${namespace}/${name}`)?.[0],
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const w of watches) w.close();
      api.close();
      try {
        execFileSync(nft, ["delete", "table", "ip", table], { stdio: "ignore" });
      } catch {
        // never created
      }
      for (const held of assigned.values()) for (const address of held) addresses.removeAddress(address);
      assigned.clear();
    },
  };
}

// Tables of test processes that no longer exist.
function removeStaleTables(nft: string): void {
  let text: string;
  try {
    text = execFileSync(nft, ["list", "tables"], { encoding: "utf8" });
  } catch (err) {
    throw new Error(`the e2e LoadBalancer Services need nftables: \`nft list tables\` failed (are you root?): ${errorMessage(err)}`);
  }
  for (const line of text.split("\n")) {
    const match = new RegExp(`^table ip (${TABLE_PREFIX}(\\d+)_\\d+)$`).exec(line.trim());
    if (match?.[1] !== undefined && !isAlive(Number(match[2]))) {
      try {
        execFileSync(nft, ["delete", "table", "ip", match[1]], { stdio: "ignore" });
      } catch {
        // another run removed it
      }
    }
  }
}
