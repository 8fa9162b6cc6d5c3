/**
 * External authorization of an HTTPProxy, as upstream's HTTPProxyProcessor decides it: which
 * ExtensionService a virtual host (or the config file's globalExtAuth) sends its checks to, with what
 * timeout, fail-open and request-body settings, and, for each route, whether the check runs and
 * with which context. Pure: the ExtensionService is looked up in the cache and reconciled here too,
 * so the proxy uses the cluster only when the ExtensionService itself is valid.
 */
import type { AuthorizationPolicy, AuthorizationServer, ExtensionServiceReference } from "../../crds/types/httpproxy.js";
import type { ExtensionService } from "../../crds/types/extensionservice.js";
import { parseTimeoutSetting } from "../annotations/timeout-setting.js";
import { extensionClusterName, reconcileExtensionService, type ExtensionOptions } from "../extension/reconcile-extension-service.js";
import type { Cluster, ExternalAuthorization, RouteAuthorization, TlsSecret } from "../model/model.js";
import type { ObjectCache, ObjectKey } from "../source/object-cache.js";
import type { Condition } from "../store/fragment.js";
import { quote } from "../store/conditions.js";
import { Area, proxyError } from "./proxy-conditions.js";
import { flag, int, obj, str } from "./spec-values.js";

/** The only apiVersion an extensionRef may name (upstream's default when it is empty). */
export const EXTENSION_API_VERSION = "projectcontour.io/v1alpha1";

/** Upstream's default of withRequestBody.maxRequestBytes. */
export const DEFAULT_MAX_REQUEST_BYTES = 1024;

/** The config file's globalExtAuth: an AuthorizationServer whose extensionRef names its namespace. */
export type GlobalAuthorization = AuthorizationServer;

/** What resolving an AuthorizationServer needs from the walk. */
export interface AuthorizationContext {
  readonly cache: ObjectCache;
  readonly dependencies: ObjectKey[];
  readonly extension?: ExtensionOptions | undefined;
}

/** A resolved authorization: the filter settings and the ExtensionService's cluster (and CA secret) it calls. */
export type ResolvedAuthorization =
  | { readonly ok: true; readonly value: ExternalAuthorization; readonly cluster: Cluster; readonly secrets: readonly TlsSecret[] }
  | { readonly ok: false; readonly condition: Condition };

/** The extensionRef with upstream's defaults: apiVersion projectcontour.io/v1alpha1, the proxy's namespace. */
function extensionRefOf(raw: unknown, namespace: string): { apiVersion: string; namespace: string; name: string } {
  const ref = obj<ExtensionServiceReference>(raw);
  return { apiVersion: str(ref?.apiVersion) || EXTENSION_API_VERSION, namespace: str(ref?.namespace) || namespace, name: str(ref?.name) ?? "" };
}

/** Whether an AuthorizationServer names an ExtensionService (upstream's ExtensionServiceRef.IsConfigured). */
export function namesExtension(server: unknown): boolean {
  return (str(obj<ExtensionServiceReference>(obj<AuthorizationServer>(server)?.extensionRef)?.name) ?? "") !== "";
}

/**
 * An AuthorizationServer (a virtual host's, or the global one) as the ext_authz filter's settings, or
 * upstream's AuthError reason: AuthBadResourceVersion, ExtensionServiceNotFound (missing or invalid),
 * AuthResponseTimeoutInvalid. `field` names it in messages.
 */
export function resolveAuthorization(ctx: AuthorizationContext, raw: unknown, namespace: string, field: string): ResolvedAuthorization {
  const server = obj<AuthorizationServer>(raw) ?? {};
  const ref = extensionRefOf(server.extensionRef, namespace);
  if (ref.apiVersion !== EXTENSION_API_VERSION) {
    return { ok: false, condition: proxyError(Area.Auth, "AuthBadResourceVersion", `${field}.extensionRef: specifies an unsupported resource version ${quote(ref.apiVersion)}`) };
  }
  ctx.dependencies.push({ kind: "ExtensionService", namespace: ref.namespace, name: ref.name });
  const ext = ref.name === "" ? undefined : ctx.cache.get<ExtensionService>("ExtensionService", ref.namespace, ref.name);
  const fragment = ext === undefined ? undefined : reconcileExtensionService(ctx.cache, ext, ctx.extension);
  // The ExtensionService's own inputs (Services, CA Secret) decide whether it is served: they re-run this proxy too.
  if (fragment !== undefined) ctx.dependencies.push(...fragment.dependencies);
  const cluster = fragment?.clusters.find((c) => c.name === extensionClusterName(ref.namespace, ref.name));
  if (fragment === undefined || cluster?.extension === undefined) {
    return { ok: false, condition: proxyError(Area.Auth, "ExtensionServiceNotFound", `${field}.extensionRef: extension service ${quote(`${ref.namespace}/${ref.name}`, 128)} not found`) };
  }
  const timeout = parseTimeoutSetting(str(server.responseTimeout) ?? "");
  if (!timeout.ok) {
    return { ok: false, condition: proxyError(Area.Auth, "AuthResponseTimeoutInvalid", `${field}.responseTimeout: ${quote(String(server.responseTimeout))} ${timeout.error}`) };
  }
  const body = obj<NonNullable<AuthorizationServer["withRequestBody"]>>(server.withRequestBody);
  const maxBytes = int(body?.maxRequestBytes);
  const value: ExternalAuthorization = {
    cluster: cluster.name,
    authority: cluster.sni ?? cluster.name.replaceAll("/", "."),
    failOpen: flag(server.failOpen),
    // Unset: the ExtensionService's timeoutPolicy.response.
    responseTimeoutMs: timeout.ms ?? cluster.extension.responseTimeoutMs,
    ...(body !== undefined
      ? {
          withRequestBody: {
            maxRequestBytes: maxBytes !== undefined && maxBytes > 0 && maxBytes <= 2 ** 32 - 1 ? maxBytes : DEFAULT_MAX_REQUEST_BYTES,
            allowPartialMessage: flag(body.allowPartialMessage),
            packAsBytes: flag(body.packAsBytes),
          },
        }
      : {}),
  };
  return { ok: true, value, cluster, secrets: fragment.secrets };
}

/**
 * The plain-HTTP listener's ext_authz settings from the global server, as upstream's
 * httpGlobalExternalAuthConfig: the ExtensionService's own response timeout (globalExtAuth's
 * responseTimeout applies to TLS hosts only), its SNI as authority. When the ExtensionService is
 * missing or invalid the filter still names its cluster, so checks fail closed (403) unless failOpen.
 */
export function globalListenerAuthorization(cache: ObjectCache, global: GlobalAuthorization, extension?: ExtensionOptions): ExternalAuthorization {
  const resolved = resolveAuthorization({ cache, dependencies: [], extension }, { ...global, responseTimeout: "" }, "", "globalExtAuth");
  if (resolved.ok) return resolved.value;
  const ref = extensionRefOf(global.extensionRef, "");
  const cluster = extensionClusterName(ref.namespace, ref.name);
  return { cluster, authority: cluster.replaceAll("/", "."), failOpen: flag(global.failOpen), responseTimeoutMs: null };
}

/** How a root's routes inherit authorization: set when the virtual host or the global config has it. */
export interface RouteAuthDefaults {
  /** The state a route without its own authPolicy gets. */
  readonly disabled: boolean;
  /** The context every route starts from. */
  readonly context: Readonly<Record<string, string>>;
}

/**
 * The route defaults of a root, upstream's order: the global authPolicy, overridden by the virtual
 * host's authorization.authPolicy when the host has an authorization block. Undefined when neither
 * the host nor the global config has authorization: routes then carry no ext_authz settings.
 */
export function routeAuthDefaults(vhostAuthorization: unknown, global: GlobalAuthorization | undefined): RouteAuthDefaults | undefined {
  const vh = obj<AuthorizationServer>(vhostAuthorization);
  if (vh === undefined && global === undefined) return undefined;
  if (vh !== undefined) {
    const policy = obj<AuthorizationPolicy>(vh.authPolicy);
    return { disabled: flag(policy?.disabled), context: contextOf(policy?.context) };
  }
  const policy = obj<AuthorizationPolicy>(global?.authPolicy);
  return { disabled: flag(policy?.disabled), context: contextOf(policy?.context) };
}

/** One route's authorization: its own authPolicy over the defaults (disabled replaces, context keys override). */
export function routeAuthorization(defaults: RouteAuthDefaults | undefined, authPolicy: unknown): RouteAuthorization | undefined {
  if (defaults === undefined) return undefined;
  const policy = obj<AuthorizationPolicy>(authPolicy);
  const disabled = policy !== undefined ? flag(policy.disabled) : defaults.disabled;
  const context = { ...defaults.context, ...contextOf(policy?.context) };
  return { disabled, ...(Object.keys(context).length > 0 ? { context: sortedRecord(context) } : {}) };
}

/** String entries of a context map; anything else is left out (the CRD admits only strings). */
function contextOf(raw: unknown): Record<string, string> {
  const m = obj<Record<string, unknown>>(raw);
  const out: Record<string, string> = {};
  if (m === undefined) return out;
  for (const [k, v] of Object.entries(m)) if (typeof v === "string") out[k] = v;
  return out;
}

function sortedRecord(r: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
