import type { V1Ingress, V1IngressClass } from "@kubernetes/client-node";
import type { Cluster, Route, SourceRef, TlsSecret, VirtualHost } from "../model/model.js";
import type { Condition, Fragment } from "../store/fragment.js";
import type { TlsSecretValidator } from "../secrets/tls-secret-validation.js";
import { compareKeys, compareStrings, formatKey, type ObjectCache, type ObjectKey } from "../source/object-cache.js";
import { errorCondition, finishConditions, quote, uniqueConditions, warningCondition } from "../store/conditions.js";
import { sortRoutes } from "../store/route-order.js";
import { parseResponseTimeout } from "../annotations/response-timeout.js";
import { parseRetryPolicy } from "../annotations/retry-policy.js";
import { parseTlsVersions } from "../annotations/tls-protocol-version.js";
import { parseWebsocketRoutes } from "../annotations/websocket-routes.js";
import { ALLOW_HTTP, httpAllowed, tlsRequired } from "../annotations/http-listener.js";
import { DEFAULT_CONNECT_TIMEOUT_MS } from "../services/service-cluster.js";
import { ingressMatchesClass } from "./ingress-class.js";
import { ingressRoutes } from "./ingress-routes.js";
import { ingressTls } from "./ingress-tls.js";
import { lookupTlsSecret } from "../secrets/lookup-tls-secret.js";
import { sortInPlace } from "../model/sort.js";

/** What the Ingress reconciler needs from the controller's configuration. */
export interface IngressReconcileOptions {
  /** The ingress class this controller serves; unset serves Ingresses without a class or of class "contour". */
  readonly ingressClassName?: string;
  /** Connect timeout of upstream clusters; upstream Contour's default is 2 s. */
  readonly connectTimeoutMs?: number;
  /** Certificate validation, replaceable by a memoising one (createTlsSecretValidator). */
  readonly validateTlsSecret?: TlsSecretValidator;
  /** The Secret Envoy presents to TLS backends (upstream's `tls.envoy-client-certificate`); unset: none. */
  readonly clientCertificate?: { readonly namespace: string; readonly name: string } | undefined;
}

/**
 * The model fragment of one Ingress, as upstream Contour's ingress processor would build it:
 * a virtual host per rule host (rules without a host and the default backend go to "*"), a secure
 * virtual host per spec.tls host with a usable Secret, and a cluster per Service port used.
 * An Ingress of another class contributes nothing and reports nothing. Pure and total: bad input
 * becomes conditions, never an exception.
 *
 * Listener choice follows upstream: every route is on the plain-HTTP listener and, for TLS hosts,
 * on the HTTPS one too; `ingress.kubernetes.io/force-ssl-redirect: "true"` turns the plain-HTTP
 * routes into redirects. `kubernetes.io/ingress.allow-http: "false"` removes them in upstream;
 * the model cannot say "HTTPS only", so TLS hosts get redirects instead and hosts without TLS are
 * left out (with a warning), which serves nothing over plain HTTP either way.
 */
export function reconcileIngress(cache: ObjectCache, ingress: V1Ingress, options: IngressReconcileOptions = {}): Fragment {
  const source: SourceRef = { kind: "Ingress", namespace: ingress.metadata?.namespace ?? "", name: ingress.metadata?.name ?? "" };
  try {
    return reconcile(cache, ingress, options, source);
  } catch (e) {
    // Only a bug (or an object the API server would never serve) gets here. The pipeline must go on for
    // every other object, so this one is reported and contributes nothing rather than throwing.
    const why = e instanceof Error ? e.message : String(e);
    return { ...emptyFragment(source, ingressClassDependencies(ingress)), conditions: [errorCondition("ReconcileFailed", `the Ingress could not be processed: ${why}`)] };
  }
}

function reconcile(cache: ObjectCache, ingress: V1Ingress, options: IngressReconcileOptions, source: SourceRef): Fragment {
  const classDependencies = ingressClassDependencies(ingress);
  const classes = classDependencies.flatMap((k) => cache.get<V1IngressClass>("IngressClass", "", k.name) ?? []);
  if (!ingressMatchesClass(ingress, classes, options.ingressClassName)) return emptyFragment(source, classDependencies);

  const annotations = ingress.metadata?.annotations;
  const timeout = parseResponseTimeout(annotations);
  const retry = parseRetryPolicy(annotations);
  const websocket = parseWebsocketRoutes(annotations);
  const versions = parseTlsVersions(annotations);

  const tls = ingressTls(cache, ingress, versions.value, options.validateTlsSecret);
  // Configured by the operator, so no delegation is asked for (as upstream's LookupTLSSecretInsecure).
  const client = options.clientCertificate === undefined ? undefined : lookupTlsSecret(cache, options.clientCertificate, options.clientCertificate.namespace, "tls.envoy-client-certificate", options.validateTlsSecret);
  const routes = ingressRoutes(
    cache,
    ingress,
    { ...(timeout.value !== undefined ? { timeout: timeout.value } : {}), ...(retry.value !== undefined ? { retry: retry.value } : {}), websocketPaths: websocket.value },
    { connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS },
    client === undefined ? undefined : client.ok ? { ok: true, secret: client.secret.name } : { ok: false, condition: client.condition },
  );
  // Only when a TLS backend uses it: the certificate is then part of this fragment, and a change to it re-reconciles.
  const usesClient = client?.ok === true && routes.clusters.some((c) => c.clientCertificate === client.secret.name);

  const conditions: Condition[] = [...timeout.warnings, ...retry.warnings, ...websocket.warnings, ...versions.warnings, ...tls.conditions, ...routes.conditions];
  const virtualHosts = virtualHostsOf(routes.byHost, tls.hosts, httpAllowed(annotations), tlsRequired(annotations), conditions);
  return {
    source,
    virtualHosts,
    tcpProxies: [],
    clusters: uniqueByName<Cluster>(routes.clusters),
    secrets: uniqueByName<TlsSecret>([...tls.secrets, ...(usesClient && client?.ok === true ? [client.secret] : [])]),
    conditions: finishConditions(uniqueConditions(conditions), "Ingress"),
    dependencies: uniqueKeys([...classDependencies, ...tls.dependencies, ...routes.dependencies, ...(routes.tlsBackends ? (client?.dependencies ?? []) : [])]),
  };
}

/** The IngressClass an Ingress names in spec.ingressClassName, when no class annotation overrides it. */
function ingressClassDependencies(ingress: V1Ingress): ObjectKey[] {
  const name = ingress.spec?.ingressClassName;
  return typeof name !== "string" || name === "" ? [] : [{ kind: "IngressClass", namespace: "", name }];
}

function virtualHostsOf(
  byHost: ReadonlyMap<string, readonly Route[]>,
  tlsHosts: ReadonlyMap<string, NonNullable<VirtualHost["tls"]>>,
  allowHttp: boolean,
  forceRedirect: boolean,
  conditions: Condition[],
): VirtualHost[] {
  const hosts = new Set([...byHost.keys(), ...tlsHosts.keys()]);
  const virtualHosts: VirtualHost[] = [];
  for (const fqdn of sortInPlace([...hosts], compareStrings)) {
    // Upstream never serves the "*" host over TLS: there is no SNI name to select it by.
    const tls = fqdn === "*" ? undefined : tlsHosts.get(fqdn);
    let routes = byHost.get(fqdn) ?? [];
    if (!allowHttp && !forceRedirect && tls === undefined) {
      if (routes.length > 0) {
        conditions.push(warningCondition("HTTPNotAllowed", `host ${quote(fqdn)}: annotation ${JSON.stringify(ALLOW_HTTP)} is "false" and spec.tls gives this host no usable certificate; its routes are not served`));
      }
      continue;
    }
    const redirect = forceRedirect || !allowHttp;
    if (redirect) routes = routes.map((r) => ({ ...r, httpsRedirect: true }));
    // A TLS host without routes here is kept: another Ingress may route it, and upstream serves those routes with this certificate.
    virtualHosts.push({ fqdn, routes: sortRoutes(routes), ...(tls !== undefined ? { tls } : {}) });
  }
  return virtualHosts;
}

function emptyFragment(source: SourceRef, dependencies: readonly ObjectKey[]): Fragment {
  return { source, virtualHosts: [], tcpProxies: [], clusters: [], secrets: [], conditions: [], dependencies };
}

function uniqueByName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  const byName = new Map<string, T>();
  for (const item of items) if (!byName.has(item.name)) byName.set(item.name, item);
  return sortInPlace([...byName.values()], (a, b) => compareStrings(a.name, b.name));
}


function uniqueKeys(keys: readonly ObjectKey[]): ObjectKey[] {
  const byKey = new Map<string, ObjectKey>();
  for (const k of keys) byKey.set(formatKey(k), { kind: k.kind, namespace: k.namespace, name: k.name });
  return sortInPlace([...byKey.values()], compareKeys);
}
