// The objects of the side-by-side benchmark: N root HTTPProxies, each with its own Service and
// EndpointSlice, and a mix that looks like a real cluster: a share with TLS (a Secret each), a share
// including a child proxy from a team namespace, a share with several routes. Plus the objects the
// change measurements touch. Everything is deterministic in N, so both controllers see the same cluster.

/** The mix, in one place (printed with the results). */
export const MIX = {
  proxiesPerNamespace: 100,
  /** i % 5 === 1: TLS (own Secret, HTTPS listener). */
  tlsEvery: 5,
  /** i % 5 === 2: includes a child HTTPProxy from `<ns>-team` on /team. */
  includeEvery: 5,
  /** i % 3 === 0: three routes instead of one (/, /api with a header condition, /static with a prefix rewrite). */
  multiRouteEvery: 3,
  domain: "bench.test",
  /** Backend processes (in the pod network); services point at backend i % backends. */
  backends: 16,
} as const;

/** What a change measurement touches, for root proxies chosen up front. */
export type Role = "plain" | "weighted" | "swap";

/** One root proxy's plan. */
export interface RootPlan {
  readonly index: number;
  readonly namespace: string;
  readonly name: string;
  readonly fqdn: string;
  readonly tls: boolean;
  readonly include: boolean;
  readonly multiRoute: boolean;
  readonly role: Role;
  /** Backend answering `/` at the start. */
  readonly backend: string;
  /** Backend of the alternative Service (weighted and swap roles). */
  readonly altBackend: string;
  /** Backend answering `/team` (include only). */
  readonly teamBackend: string;
}

/** A new proxy created during the "new HTTPProxy" measurement (its Service exists from the start). */
export interface NewProxyPlan {
  readonly namespace: string;
  readonly name: string;
  readonly fqdn: string;
  readonly service: string;
  readonly backend: string;
}

/** The whole cluster for size N. */
export interface Plan {
  readonly n: number;
  readonly roots: readonly RootPlan[];
  readonly weighted: readonly RootPlan[];
  readonly swaps: readonly RootPlan[];
  readonly newProxies: readonly NewProxyPlan[];
  readonly namespaces: readonly string[];
  readonly backendNames: readonly string[];
}

export const backendName = (k: number): string => `b${k % MIX.backends}`;
const rootNamespace = (i: number): string => `bench-${Math.floor(i / MIX.proxiesPerNamespace)}`;

/** Plans N roots and `changes` targets of each change kind. */
export function makePlan(n: number, changes: number): Plan {
  const base = Array.from({ length: n }, (_, i) => ({
    index: i,
    namespace: rootNamespace(i),
    name: `p-${i}`,
    fqdn: `p-${i}.${MIX.domain}`,
    tls: i % MIX.tlsEvery === 1,
    include: i % MIX.includeEvery === 2,
    multiRoute: i % MIX.multiRouteEvery === 0,
    backend: backendName(i),
    altBackend: backendName(i + 7),
    teamBackend: backendName(i + 3),
  }));
  // Change targets: plain-HTTP roots without includes, spread evenly over the index range.
  const candidates = base.filter((r) => !r.tls && !r.include);
  if (candidates.length < 2 * changes) throw new Error(`N=${n} has only ${candidates.length} candidate roots for 2 x ${changes} changes`);
  const step = Math.floor(candidates.length / (2 * changes));
  const weightedIdx = new Set<number>();
  const swapIdx = new Set<number>();
  for (let k = 0; k < changes; k++) {
    weightedIdx.add(candidates[2 * k * step]!.index);
    swapIdx.add(candidates[(2 * k + 1) * step]!.index);
  }
  const roots: RootPlan[] = base.map((r) => ({ ...r, role: weightedIdx.has(r.index) ? "weighted" : swapIdx.has(r.index) ? "swap" : "plain" }));
  const newProxies = Array.from({ length: changes }, (_, j) => ({
    namespace: rootNamespace(Math.floor((j * n) / changes)),
    name: `new-${j}`,
    fqdn: `new-${j}.${MIX.domain}`,
    service: `new-${j}`,
    backend: backendName(j + 5),
  }));
  const namespaces = [...new Set(roots.map((r) => r.namespace))];
  return {
    n,
    roots,
    weighted: roots.filter((r) => r.role === "weighted"),
    swaps: roots.filter((r) => r.role === "swap"),
    newProxies,
    namespaces: [...namespaces, ...namespaces.map((ns) => `${ns}-team`)],
    backendNames: Array.from({ length: MIX.backends }, (_, k) => backendName(k)),
  };
}

/** Where a pod backend listens. */
export interface BackendAddress {
  readonly ip: string;
  readonly port: number;
}

/** One API object to create: its collection path and body. */
export interface ApiObject {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

const servicePath = (ns: string) => `/api/v1/namespaces/${ns}/services`;
const slicePath = (ns: string) => `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`;
const secretPath = (ns: string) => `/api/v1/namespaces/${ns}/secrets`;
export const proxyCollection = (ns: string) => `/apis/projectcontour.io/v1/namespaces/${ns}/httpproxies`;

/**
 * A Service (port "http" 80) and its EndpointSlice pointing at one backend. Headless: neither
 * controller looks at the cluster IP, and allocating 25,000 of them made the API server the
 * bottleneck of the load (140 objects/s at N=10,000).
 */
export function serviceObjects(ns: string, name: string, backend: BackendAddress): ApiObject[] {
  return [
    {
      path: servicePath(ns),
      body: { apiVersion: "v1", kind: "Service", metadata: { name, namespace: ns }, spec: { clusterIP: "None", ports: [{ name: "http", port: 80, protocol: "TCP" }] } },
    },
    {
      path: slicePath(ns),
      body: {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: { name: `${name}-1`, namespace: ns, labels: { "kubernetes.io/service-name": name } },
        addressType: "IPv4",
        endpoints: [{ addresses: [backend.ip], conditions: { ready: true } }],
        ports: [{ name: "http", port: backend.port, protocol: "TCP" }],
      },
    },
  ];
}

/** The spec of a root proxy in its initial state. */
export function rootSpec(r: RootPlan): Record<string, unknown> {
  const app = `app-${r.index}`;
  const alt = `alt-${r.index}`;
  const first =
    r.role === "weighted"
      ? { services: [{ name: app, port: 80, weight: 100 }, { name: alt, port: 80, weight: 0 }] }
      : { services: [{ name: app, port: 80 }] };
  const routes: Record<string, unknown>[] = [{ conditions: [{ prefix: "/" }], ...first }];
  if (r.multiRoute) {
    routes.push(
      { conditions: [{ prefix: "/api" }, { header: { name: "x-bench", present: true } }], services: [{ name: app, port: 80 }], timeoutPolicy: { response: "10s" } },
      { conditions: [{ prefix: "/static" }], services: [{ name: app, port: 80 }], pathRewritePolicy: { replacePrefix: [{ replacement: "/" }] } },
    );
  }
  return {
    virtualhost: { fqdn: r.fqdn, ...(r.tls ? { tls: { secretName: `tls-${r.index}` } } : {}) },
    ...(r.include ? { includes: [{ name: `c-${r.index}`, namespace: `${r.namespace}-team`, conditions: [{ prefix: "/team" }] }] } : {}),
    routes,
  };
}

/** The spec after change `kind` (weighted: all weight on alt; swap: route / points at alt). */
export function changedSpec(r: RootPlan): Record<string, unknown> {
  const spec = rootSpec(r) as { routes: Record<string, unknown>[] };
  const app = `app-${r.index}`;
  const alt = `alt-${r.index}`;
  spec.routes[0] =
    r.role === "weighted"
      ? { conditions: [{ prefix: "/" }], services: [{ name: app, port: 80, weight: 0 }, { name: alt, port: 80, weight: 100 }] }
      : { conditions: [{ prefix: "/" }], services: [{ name: alt, port: 80 }] };
  return spec;
}

export function proxyObject(ns: string, name: string, spec: Record<string, unknown>): ApiObject {
  return { path: proxyCollection(ns), body: { apiVersion: "projectcontour.io/v1", kind: "HTTPProxy", metadata: { name, namespace: ns }, spec } };
}

/** Every object of the plan, in creation order groups (namespaces first, proxies last). */
export function planObjects(plan: Plan, backends: ReadonlyMap<string, BackendAddress>, cert: { certPem: string; keyPem: string }): { namespaces: ApiObject[]; objects: ApiObject[]; proxies: ApiObject[] } {
  const at = (name: string): BackendAddress => {
    const b = backends.get(name);
    if (b === undefined) throw new Error(`no pod backend ${name}`);
    return b;
  };
  const namespaces = plan.namespaces.map((name) => ({ path: "/api/v1/namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } }));
  const objects: ApiObject[] = [];
  const proxies: ApiObject[] = [];
  const tlsData = { "tls.crt": Buffer.from(cert.certPem).toString("base64"), "tls.key": Buffer.from(cert.keyPem).toString("base64") };
  for (const r of plan.roots) {
    objects.push(...serviceObjects(r.namespace, `app-${r.index}`, at(r.backend)));
    if (r.role !== "plain") objects.push(...serviceObjects(r.namespace, `alt-${r.index}`, at(r.altBackend)));
    if (r.tls) {
      objects.push({ path: secretPath(r.namespace), body: { apiVersion: "v1", kind: "Secret", type: "kubernetes.io/tls", metadata: { name: `tls-${r.index}`, namespace: r.namespace }, data: tlsData } });
    }
    if (r.include) {
      const teamNs = `${r.namespace}-team`;
      objects.push(...serviceObjects(teamNs, `team-${r.index}`, at(r.teamBackend)));
      proxies.push(proxyObject(teamNs, `c-${r.index}`, { routes: [{ conditions: [{ prefix: "/" }], services: [{ name: `team-${r.index}`, port: 80 }] }] }));
    }
    proxies.push(proxyObject(r.namespace, r.name, rootSpec(r)));
  }
  for (const p of plan.newProxies) objects.push(...serviceObjects(p.namespace, p.service, at(p.backend)));
  return { namespaces, objects, proxies };
}

/** The spec of a new proxy of the "new HTTPProxy" measurement. */
export function newProxySpec(p: NewProxyPlan): Record<string, unknown> {
  return { virtualhost: { fqdn: p.fqdn }, routes: [{ conditions: [{ prefix: "/" }], services: [{ name: p.service, port: 80 }] }] };
}

/** A deterministic PRNG (mulberry32), so both controllers are sampled on the same hosts. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` distinct random roots plus the last one created. */
export function sampleRoots(plan: Plan, count: number, seed = 42): RootPlan[] {
  const random = seededRandom(seed);
  const picked = new Set<number>([plan.n - 1]);
  while (picked.size < Math.min(plan.n, count + 1)) picked.add(Math.floor(random() * plan.n));
  return [...picked].sort((a, b) => a - b).map((i) => plan.roots[i]!);
}
