// The routing model as a Graphviz digraph, as upstream Contour's /debug/dag draws its DAG: listeners →
// virtual hosts → routes → clusters → services, plus TLS secrets and TCP proxies. Pure and deterministic:
// node ids come from names (never from memory addresses), and nodes and edges are sorted.
import type { Cluster, Model, PathMatch, Route, VirtualHost, WeightedCluster } from "../../controllers/model/model.js";

/** The Envoy listeners the model's hosts are served on. */
export interface DotListeners {
  readonly http: { readonly address: string; readonly port: number };
  readonly https: { readonly address: string; readonly port: number };
}

/** Renders `model` as DOT: `digraph DAG { rankdir="LR" … }`, one record-shaped node per model object. */
export function modelToDot(model: Model, listeners: DotListeners): string {
  const nodes = new Map<string, string>();
  const edges = new Set<string>();
  const node = (id: string, label: string): string => (nodes.set(id, label), id);
  const edge = (from: string, to: string, label?: string): void =>
    void edges.add(`${quote(from)} -> ${quote(to)}${label === undefined ? "" : ` [label="${escapeLabel(label)}"]`}`);
  const clustersByName = new Map(model.clusters.map((c) => [c.name, c]));

  const httpListener = node("listener/ingress_http", `{listener|${t(listeners.http.address)}:${listeners.http.port}}`);
  const secure = model.virtualHosts.filter((v) => v.tls !== undefined);
  const httpsListener =
    secure.length > 0 || model.tcpProxies.length > 0 ? node("listener/ingress_https", `{listener|${t(listeners.https.address)}:${listeners.https.port}}`) : undefined;

  const addCluster = (from: string, target: WeightedCluster | { cluster: string; weight: number }, label = `weight ${target.weight}`): void => {
    const cluster = clustersByName.get(target.cluster);
    // One node per cluster, however many routes share it: the weight belongs to the route's edge.
    const id = node(`cluster/${target.cluster}`, `{cluster|${t(target.cluster)}}`);
    edge(from, id, label);
    if (cluster !== undefined) edge(id, addService(cluster));
  };
  const addService = (cluster: Cluster): string => {
    const s = cluster.service;
    return node(`service/${s.namespace}/${s.name}/${s.port}`, `{service|${t(s.namespace)}/${t(s.name)}:${s.port}}`);
  };
  const addRoutes = (scheme: string, vhost: VirtualHost, vhostId: string): void => {
    vhost.routes.forEach((route, i) => {
      const id = node(`route/${scheme}/${vhost.fqdn}/${i}`, `{${routeLabel(route)}}`);
      edge(vhostId, id);
      if (route.action.kind !== "forward") return;
      for (const target of route.action.clusters) addCluster(id, target);
      for (const mirror of route.action.mirror ?? []) addCluster(id, { cluster: mirror.cluster, weight: 0 }, `mirror ${mirror.percent}%`);
    });
  };

  for (const vhost of model.virtualHosts) {
    const id = node(`vhost/http/${vhost.fqdn}`, `{http://${t(vhost.fqdn)}}`);
    edge(httpListener, id);
    addRoutes("http", vhost, id);
  }
  for (const vhost of secure) {
    if (httpsListener === undefined || vhost.tls === undefined) continue;
    const id = node(`vhost/https/${vhost.fqdn}`, `{https://${t(vhost.fqdn)}}`);
    edge(httpsListener, id);
    addRoutes("https", vhost, id);
    edge(id, node(`secret/${vhost.tls.secret}`, `{secret|${t(secretLabel(model, vhost.tls.secret))}}`));
  }
  for (const proxy of model.tcpProxies) {
    if (httpsListener === undefined) continue;
    const vhostId = node(`vhost/https/${proxy.fqdn}`, `{https://${t(proxy.fqdn)}}`);
    edge(httpsListener, vhostId);
    const id = node(`tcpproxy/${proxy.fqdn}`, "{tcpproxy}");
    edge(vhostId, id);
    for (const target of proxy.clusters) addCluster(id, target);
    if (proxy.tls !== undefined) edge(vhostId, node(`secret/${proxy.tls.secret}`, `{secret|${t(secretLabel(model, proxy.tls.secret))}}`));
  }

  const lines = ['digraph DAG {', 'rankdir="LR"'];
  for (const id of [...nodes.keys()].sort()) lines.push(`${quote(id)} [shape=record, label="${escapeLabel(nodes.get(id) ?? "")}"]`);
  lines.push(...[...edges].sort());
  lines.push("}");
  return lines.join("\n") + "\n";
}

function routeLabel(route: Route): string {
  const parts = [pathLabel(route.match.path)];
  for (const h of route.match.headers) parts.push(`header ${h.invert ? "not " : ""}${h.kind}: ${h.name}${h.value !== undefined ? ` ${h.value}` : ""}`);
  if (route.action.kind === "redirect") parts.push(`redirect ${route.action.statusCode}`);
  if (route.action.kind === "direct") parts.push(`direct ${route.action.status}`);
  if (route.httpsRedirect) parts.push("redirect to https");
  return parts.map(t).join("|");
}

function pathLabel(path: PathMatch): string {
  return `${path.kind}: ${path.value}`;
}

// The secret's Kubernetes namespace/name, as upstream labels it; the model name if the secret is unknown.
function secretLabel(model: Model, name: string): string {
  const secret = model.secrets.find((s) => s.name === name);
  return secret === undefined ? name : `${secret.source.namespace}/${secret.source.name}`;
}

// Inside a record label, braces, bars and angle brackets are structure: user text must not create fields.
function t(text: string): string {
  return text.replace(/[\\{}|<>]/g, (c) => `\\${c}`);
}

// A quoted DOT string: backslashes and quotes escaped; newlines would end the statement.
function escapeLabel(label: string): string {
  return label.replace(/"/g, '\\"').replace(/\r?\n/g, " ");
}

function quote(id: string): string {
  return `"${id.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r?\n/g, " ")}"`;
}
