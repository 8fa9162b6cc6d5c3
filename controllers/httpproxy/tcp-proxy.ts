/**
 * spec.tcpproxy of a root, as upstream's processHTTPProxyTCPProxy reads it: weighted services, or an
 * include of another (non-root) HTTPProxy holding the tcpproxy, followed with cycle detection.
 */
import { uint32Problem, weightSumProblem } from "../validation/envoy-ranges.js";
import type { HTTPProxy, TCPHealthCheckPolicy, TCPProxy, TCPProxyInclude } from "../../crds/types/httpproxy.js";
import type { HealthCheck, WeightedCluster } from "../model/model.js";
import type { ObjectKey } from "../source/object-cache.js";
import type { Condition } from "../store/fragment.js";
import { quote } from "../store/conditions.js";
import { Area, proxyError, proxyWarning, refile } from "./proxy-conditions.js";
import { healthTiming, loadBalancing } from "./route-policies.js";
import { list, obj, str } from "./spec-values.js";
import { resolveService } from "./upstream-services.js";
import { isRootProxy, lookupProxy, proxyKey, type WalkContext } from "./walk-context.js";

/** The clusters the TCP proxy forwards to, or undefined when it cannot be served (the errors are reported). */
export function tcpProxyClusters(ctx: WalkContext, proxy: HTTPProxy, chain: readonly ObjectKey[]): WeightedCluster[] | undefined {
  const key = proxyKey(proxy);
  ctx.reports.visit(key);
  const field = "spec.tcpproxy";
  const tcp = obj<TCPProxy>(obj<{ tcpproxy?: unknown }>(proxy.spec)?.tcpproxy) ?? {};
  const error = (area: typeof Area.TCPProxy | typeof Area.TCPProxyInclude, reason: string, message: string): undefined =>
    void ctx.reports.add(key, proxyError(area, reason, `${field}${message}`));
  const include = obj<TCPProxyInclude>(tcp.include) ?? obj<TCPProxyInclude>(tcp.includes);
  const services = list<unknown>(tcp.services);
  if (services.length > 0 && include !== undefined) return error(Area.TCPProxy, "NoServicesAndInclude", ": cannot specify services and include in the same httpproxy");

  const warnings: Condition[] = [];
  let { strategy } = loadBalancing(tcp.loadBalancerPolicy, `${field}.loadBalancerPolicy`, warnings);
  if (strategy === "Cookie" || strategy === "RequestHash") {
    warnings.push(proxyWarning(Area.TCPProxy, "IgnoredField", `${field}.loadBalancerPolicy: ignoring field; ${strategy} load balancer policy is not supported for TCPProxies`));
    strategy = "RoundRobin";
  }
  for (const w of warnings) ctx.reports.add(key, w);

  if (services.length > 0) {
    let healthCheck: HealthCheck | undefined;
    const hc = obj<TCPHealthCheckPolicy>(tcp.healthCheckPolicy);
    if (hc !== undefined) {
      const timing = healthTiming(hc, `${field}.healthCheckPolicy`);
      if (!timing.ok) return error(Area.TCPProxy, "HealthCheckPolicyInvalid", `: ${timing.problem}`);
      healthCheck = { kind: "tcp", ...timing.value };
    }
    const clusters: WeightedCluster[] = [];
    for (let i = 0; i < services.length; i++) {
      const resolved = resolveService(
        { cache: ctx.cache, namespace: key.namespace, connectTimeoutMs: ctx.connectTimeoutMs, clientCertificate: ctx.clientCertificate, dependencies: ctx.dependencies, enableExternalNameService: ctx.enableExternalNameService === true },
        services[i],
        `${field}.services[${i}]`,
        { loadBalancer: strategy, headerPolicies: false, ...(healthCheck !== undefined ? { healthCheck } : {}) },
      );
      if (resolved.kind === "unresolved") {
        ctx.reports.add(key, refile(resolved.condition, Area.TCPProxy, "ServiceUnresolvedReference"));
        return undefined;
      }
      if (resolved.kind === "fatal") {
        ctx.reports.add(key, resolved.condition);
        return undefined;
      }
      for (const w of resolved.warnings) ctx.reports.add(key, w);
      ctx.clusters.set(resolved.cluster.name, resolved.cluster);
      for (const s of resolved.secrets) ctx.secrets.set(s.name, s);
      const raw = obj<{ weight?: unknown }>(services[i])?.weight;
      const weight = typeof raw === "number" && Number.isFinite(raw) && raw > 0 ? Math.floor(raw) : 0;
      const weightProblem = uint32Problem(weight);
      if (weightProblem !== undefined) return error(Area.TCPProxy, "WeightOutOfRange", `.services[${i}].weight: ${weightProblem}`);
      clusters.push({ cluster: resolved.cluster.name, weight });
    }
    const sumProblem = weightSumProblem(clusters.map((c) => c.weight));
    if (sumProblem !== undefined) return error(Area.TCPProxy, "WeightOutOfRange", `.services: ${sumProblem}`);
    return clusters;
  }

  if (include === undefined) return error(Area.TCPProxy, "NothingDefined", ": either services or inclusion must be specified");
  const name = str(include.name) ?? "";
  const namespace = str(include.namespace) || key.namespace;
  const child = lookupProxy(ctx, namespace, name);
  if (child === undefined) return error(Area.TCPProxyInclude, "IncludeNotFound", `.include: include ${namespace}/${name} not found`);
  if (isRootProxy(child)) return error(Area.TCPProxyInclude, "RootIncludesRoot", `.include: root httpproxy cannot include another root httpproxy (${namespace}/${name})`);
  const here = [...chain, key];
  if (here.some((k) => k.namespace === namespace && k.name === name)) {
    const path = [...here, proxyKey(child)].map((k) => `${k.namespace}/${k.name}`).join(" -> ");
    return error(Area.TCPProxyInclude, "IncludeCreatesCycle", `.include: include creates a cycle: ${path}`);
  }
  if (obj(obj<{ tcpproxy?: unknown }>(child.spec)?.tcpproxy) === undefined) {
    ctx.reports.visit(proxyKey(child));
    ctx.reports.add(proxyKey(child), proxyError(Area.TCPProxy, "NothingDefined", `${field}: included as a tcpproxy by ${quote(`${key.namespace}/${key.name}`)} but defines no tcpproxy`));
    return undefined;
  }
  return tcpProxyClusters(ctx, child, here);
}
