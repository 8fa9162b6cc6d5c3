/** What the walk of one root's include tree carries along: inputs, and everything it collects. */
import type { HTTPProxy } from "../../crds/types/httpproxy.js";
import type { Cluster, TlsSecret } from "../model/model.js";
import type { ObjectCache, ObjectKey } from "../source/object-cache.js";
import type { ProxyReports } from "./proxy-conditions.js";
import type { RouteAuthDefaults } from "./authorization.js";
import { httpProxyMatchesClass } from "./ingress-class.js";

/** The state of one root's reconcile. */
export interface WalkContext {
  readonly cache: ObjectCache;
  readonly ingressClassName: string | undefined;
  readonly connectTimeoutMs: number;
  /** Routes' permitInsecure is ignored (upstream's `disablePermitInsecure`). */
  readonly disablePermitInsecure: boolean;
  /** The Secret Envoy presents to TLS backends (upstream's `tls.envoy-client-certificate`). */
  readonly clientCertificate: { readonly namespace: string; readonly name: string } | undefined;
  /** Routes may reach ExternalName Services (config file enableExternalNameService). */
  readonly enableExternalNameService?: boolean;
  /** The root's fqdn, lower-cased ("*.example.com" for a wildcard host). */
  readonly fqdn: string;
  /** Whether the root has TLS: routes then redirect plain HTTP to HTTPS unless they permitInsecure. */
  readonly enforceTls: boolean;
  /** The root's default JWT provider: routes require it unless their jwtVerificationPolicy says otherwise. */
  readonly defaultJwtProvider?: string;
  readonly reports: ProxyReports;
  readonly dependencies: ObjectKey[];
  readonly clusters: Map<string, Cluster>;
  readonly secrets: Map<string, TlsSecret>;
  /** How often each proxy was reached, by `namespace/name`. */
  readonly visits: Map<string, number>;
  /** Set when the root (or the global config) has external authorization: what routes inherit. */
  readonly auth?: RouteAuthDefaults;
}

/** The key of an HTTPProxy. */
export function proxyKey(proxy: HTTPProxy): ObjectKey {
  return { kind: "HTTPProxy", namespace: proxy.metadata?.namespace ?? "", name: proxy.metadata?.name ?? "" };
}

/**
 * An HTTPProxy an include names, recorded as a dependency whether present or not (its creation must
 * re-run the root). One of another ingress class counts as missing, as upstream's cache never holds it.
 */
export function lookupProxy(ctx: WalkContext, namespace: string, name: string): HTTPProxy | undefined {
  ctx.dependencies.push({ kind: "HTTPProxy", namespace, name });
  if (name === "" || namespace === "") return undefined;
  const proxy = ctx.cache.get<HTTPProxy>("HTTPProxy", namespace, name);
  return proxy !== undefined && httpProxyMatchesClass(proxy, ctx.ingressClassName) ? proxy : undefined;
}

/** Whether an HTTPProxy declares a virtual host (is a root). */
export function isRootProxy(proxy: HTTPProxy): boolean {
  const spec = proxy.spec as unknown;
  if (spec === null || typeof spec !== "object") return false;
  const vh = (spec as { virtualhost?: unknown }).virtualhost;
  return vh !== null && typeof vh === "object" && !Array.isArray(vh);
}
