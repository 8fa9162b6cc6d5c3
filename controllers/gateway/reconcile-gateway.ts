import type { Gateway, GatewayClass, GatewayStatusAddress, Listener, ListenerSet } from "../../crds/types/gateway-api/gateway.js";
import { GATEWAY_GROUP } from "../../crds/types/gateway-api/common.js";
import type { SourceRef, TlsSecret } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import type { TlsSecretValidator } from "../secrets/tls-secret-validation.js";
import { quote } from "../store/conditions.js";
import { condition, createDependencySet, entries, failure, type Dependency, type DependencySet, type GatewayObjects } from "./objects.js";
import { reconcileGatewayClass, CONTOUR_DEPLOYMENT, type GatewayClassOptions, type ParametersKind } from "./gateway-class.js";
import { checkListener, type ListenerCheck, type Verdict } from "./listener-validation.js";
import { findConflicts, type ConflictReason } from "./listener-conflicts.js";
import { listenerSetsOf } from "./listener-sets.js";
import { addressesProgrammed, requestedAddresses } from "./gateway-addresses.js";
import { resolveCertificateRef } from "./gateway-secrets.js";
import type { GatewayListener, ListenerStatusView } from "./gateway-listener.js";

// The listener protocols the Gateway API defines (core and extended), whether served here or not.
const SPEC_PROTOCOLS: ReadonlySet<string> = new Set(["HTTP", "HTTPS", "TLS", "TCP", "UDP"]);

/** What the Gateway reconcile needs from configuration and from the owned Service. */
export interface GatewayReconcileOptions extends GatewayClassOptions {
  /** status.loadBalancer addresses of the Gateway's owned Service; undefined while it has none. */
  readonly assignedAddresses?: readonly GatewayStatusAddress[];
  /** Why the owned Service's load balancer gave it no address (loadBalancerProblem), if it said. */
  readonly loadBalancerProblem?: string;
  /** Kinds spec.infrastructure.parametersRef may name (same namespace); default [CONTOUR_DEPLOYMENT]. */
  readonly infrastructureKinds?: readonly ParametersKind[];
  readonly validateTlsSecret?: TlsSecretValidator;
}

/** A ListenerSet's computed status. */
export interface ListenerSetView {
  readonly source: SourceRef;
  readonly conditions: readonly Condition[];
  readonly listeners: readonly ListenerStatusView[];
}

/** What one Gateway reconcile produces. */
export type GatewayResult =
  | { readonly ours: false; readonly dependencies: readonly Dependency[] }
  | {
      readonly ours: true;
      readonly source: SourceRef;
      readonly accepted: boolean;
      readonly conditions: readonly Condition[];
      readonly listeners: readonly ListenerStatusView[];
      readonly listenerSets: readonly ListenerSetView[];
      readonly attachedListenerSets: number;
      /** Accepted listeners, the Gateway's first, in listener precedence. */
      readonly model: readonly GatewayListener[];
      /** Certificates and CA bundles the model's listeners name, sorted by name. */
      readonly secrets: readonly TlsSecret[];
      /** IPs requested in spec.addresses, for the owned Service. */
      readonly requestedAddresses: readonly string[];
      /** Name (in secrets) of the certificate presented to TLS backends (spec.tls.backend.clientCertificateRef). */
      readonly backendClientCertificate?: string;
      /** spec.infrastructure labels and annotations, for the owned Service. */
      readonly infrastructure: { readonly labels: Readonly<Record<string, string>>; readonly annotations: Readonly<Record<string, string>> };
      readonly dependencies: readonly Dependency[];
    };

interface Declared {
  readonly source: SourceRef;
  readonly rank: number;
  readonly listener: Listener;
  readonly field: string;
  readonly check: ListenerCheck;
}

/**
 * The status and listener model of one Gateway whose class is ours, with its attached ListenerSets:
 * every listener checked alone (checkListener), then for conflicts across the Gateway and its
 * ListenerSets in precedence order, each given Accepted, Conflicted, Programmed and ResolvedRefs;
 * the Gateway Accepted (Accepted, ListenersNotValid, UnsupportedAddress, InvalidParameters, Pending),
 * Programmed (Programmed, Invalid, AddressNotAssigned, AddressNotUsable), ResolvedRefs (the backend
 * client certificate) and InsecureFrontendValidationMode. Pure; bad input becomes conditions.
 */
export function reconcileGateway(objects: GatewayObjects, gateway: Gateway, options: GatewayReconcileOptions = {}): GatewayResult {
  try {
    return reconcile(objects, gateway, options);
  } catch (e) {
    // Only a bug or input the schema forbids gets here; this Gateway is reported and serves nothing, every other object is unaffected.
    const source: SourceRef = { kind: "Gateway", namespace: gateway.metadata?.namespace ?? "", name: gateway.metadata?.name ?? "" };
    const message = failure(e);
    return { ours: true, source, accepted: false, conditions: [condition("Accepted", false, "Invalid", message), condition("Programmed", false, "Invalid", message)], listeners: [], listenerSets: [], attachedListenerSets: 0, model: [], secrets: [], requestedAddresses: [], infrastructure: { labels: {}, annotations: {} }, dependencies: [] };
  }
}

function reconcile(objects: GatewayObjects, gateway: Gateway, options: GatewayReconcileOptions): GatewayResult {
  const deps = createDependencySet();
  const namespace = gateway.metadata?.namespace ?? "";
  const name = gateway.metadata?.name ?? "";
  const source: SourceRef = { kind: "Gateway", namespace, name };
  const className = gateway.spec?.gatewayClassName ?? "";
  deps.add("GatewayClass", "", className);
  const gc = objects.get<GatewayClass>("GatewayClass", "", className);
  const cls = gc === undefined ? undefined : reconcileGatewayClass(objects, gc, options);
  if (cls === undefined || !cls.ours) return { ours: false, dependencies: deps.sorted() };
  for (const d of cls.dependencies) deps.add(d.kind, d.namespace, d.name);

  const gwFrom = { group: GATEWAY_GROUP, kind: "Gateway", namespace };
  const declared: Declared[] = entries<Listener>(gateway.spec?.listeners).map((listener, i) => {
    const field = `spec.listeners[${i}]`;
    return { source, rank: 0, listener, field, check: checkListener({ objects, deps, from: gwFrom, validateTlsSecret: options.validateTlsSecret }, listener, gateway, field) };
  });
  const sets = listenerSetsOf(objects, deps, gateway);
  sets.forEach(({ listenerSet, allowed }, i) => {
    if (!allowed.ok) return;
    const lsSource: SourceRef = { kind: "ListenerSet", namespace: listenerSet.metadata?.namespace ?? "", name: listenerSet.metadata?.name ?? "" };
    const from = { group: GATEWAY_GROUP, kind: "ListenerSet", namespace: lsSource.namespace };
    for (const [j, listener] of entries<Listener>(listenerSet.spec?.listeners).entries()) {
      const field = `spec.listeners[${j}]`;
      declared.push({ source: lsSource, rank: i + 1, listener, field, check: checkListener({ objects, deps, from, validateTlsSecret: options.validateTlsSecret }, listener, gateway, field) });
    }
  });
  // Listeners of a protocol not served here are refused anyway and must not knock out valid
  // listeners; one of a protocol the spec defines can still be told it conflicts (ProtocolConflict).
  const loseOnly = (d: Declared): boolean => !d.check.protocolSupported && SPEC_PROTOCOLS.has(d.listener.protocol);
  const contenders = declared.map((d, i) => ({ d, i })).filter(({ d }) => (d.check.protocolSupported && d.check.accepted.ok) || loseOnly(d));
  const conflicts: (ConflictReason | undefined)[] = declared.map(() => undefined);
  findConflicts(
    contenders.map(({ d }) => ({ ownerRank: d.rank, port: d.listener.port, protocol: d.listener.protocol, ...(d.check.hostname !== undefined ? { hostname: d.check.hostname } : {}), ...(loseOnly(d) ? { loseOnly: true } : {}) })),
  ).forEach((c, k) => {
    const at = contenders[k];
    if (at !== undefined) conflicts[at.i] = c;
  });

  const own = declared.filter((d) => d.rank === 0);
  const isAccepted = (i: number): boolean => (declared[i]?.check.accepted.ok ?? false) && conflicts[i] === undefined;
  const ownAccepted = own.filter((_, i) => isAccepted(i)).length;
  const lsAccepted = declared.some((d, i) => d.rank > 0 && isAccepted(i));

  // Gateway-level checks.
  const conditions: Condition[] = [];
  const addresses = requestedAddresses(gateway);
  const params = infrastructureProblem(objects, deps, gateway, options.infrastructureKinds ?? [CONTOUR_DEPLOYMENT]);
  let accepted: Verdict;
  if (!cls.accepted) accepted = { ok: false, reason: "Pending", message: `GatewayClass ${quote(className)} is not accepted` };
  else if (!addresses.ok) accepted = addresses;
  else if (params !== undefined) accepted = { ok: false, reason: "InvalidParameters", message: params };
  else if (ownAccepted === 0 && !(own.length === 0 && lsAccepted)) accepted = { ok: false, reason: "ListenersNotValid", message: invalidListenersMessage(own, conflicts) };
  else accepted = { ok: true };
  const someInvalid = ownAccepted < own.length;
  conditions.push(accepted.ok ? (someInvalid ? condition("Accepted", true, "ListenersNotValid", invalidListenersMessage(own, conflicts)) : condition("Accepted", true, "Accepted", "Gateway is accepted")) : condition("Accepted", false, accepted.reason, accepted.message));
  const programmed = accepted.ok ? addressesProgrammed(addresses.ok ? addresses.requested : [], options.assignedAddresses, options.loadBalancerProblem) : { ok: false as const, reason: "Invalid", message: "the Gateway is not accepted" };
  conditions.push(programmed.ok ? condition("Programmed", true, "Programmed", "Gateway is programmed") : condition("Programmed", false, programmed.reason, programmed.message));
  const backend = backendClientCertificate(objects, deps, gateway, options.validateTlsSecret);
  conditions.push(backend.ok ? condition("ResolvedRefs", true, "ResolvedRefs", "references are resolved") : condition("ResolvedRefs", false, backend.reason, backend.message));
  if (declared.some((d, i) => isAccepted(i) && d.check.insecureFallback)) {
    conditions.push(condition("InsecureFrontendValidationMode", true, "ConfigurationChanged", "spec.tls.frontend: validation mode AllowInsecureFallback accepts clients without a valid certificate"));
  }

  // Listener statuses and model.
  const gwOk = accepted.ok;
  const views = declared.map((d, i) => listenerView(d, conflicts[i], gwOk));
  const model: GatewayListener[] = [];
  const secrets = new Map<string, TlsSecret>();
  const listenerSets: ListenerSetView[] = sets.map(({ listenerSet, allowed }, k) => listenerSetView(listenerSet, allowed, gwOk, declared, views, conflicts, k + 1));
  const lsAcceptedRank = new Set(listenerSets.flatMap((v, k) => (v.conditions[0]?.status === "True" ? [k + 1] : [])));
  declared.forEach((d, i) => {
    // Listeners of a ListenerSet that is not accepted are not served and take no routes.
    if (!gwOk || !isAccepted(i) || (d.rank > 0 && !lsAcceptedRank.has(d.rank))) return;
    model.push(toModel(gateway, d));
    for (const s of d.check.certificates) secrets.set(s.name, s);
    if (d.check.clientValidation !== undefined) secrets.set(d.check.clientValidation.ca.name, d.check.clientValidation.ca);
  });
  const clientCertificate = gwOk && backend.ok ? backend.secret : undefined;
  if (clientCertificate !== undefined) secrets.set(clientCertificate.name, clientCertificate);

  return {
    ours: true,
    source,
    accepted: gwOk,
    conditions,
    listeners: views.filter((_, i) => declared[i]?.rank === 0),
    listenerSets,
    attachedListenerSets: listenerSets.filter((ls) => ls.conditions.some((c) => c.type === "Accepted" && c.status === "True")).length,
    model,
    secrets: [...secrets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    requestedAddresses: addresses.ok ? addresses.ips : [],
    ...(clientCertificate !== undefined ? { backendClientCertificate: clientCertificate.name } : {}),
    infrastructure: { labels: { ...(gateway.spec?.infrastructure?.labels ?? {}) }, annotations: { ...(gateway.spec?.infrastructure?.annotations ?? {}) } },
    dependencies: deps.sorted(),
  };
}

function listenerView(d: Declared, conflict: ConflictReason | undefined, gatewayAccepted: boolean): ListenerStatusView {
  const c = d.check;
  const n = d.listener.name;
  const accepted = conflict !== undefined ? condition("Accepted", false, conflict, `${d.field}: listener ${quote(n)} conflicts with another listener on port ${d.listener.port}`) : c.accepted.ok ? condition("Accepted", true, "Accepted", "listener is accepted") : condition("Accepted", false, c.accepted.reason, c.accepted.message);
  const conflicted = conflict !== undefined ? condition("Conflicted", true, conflict, accepted.message) : condition("Conflicted", false, "NoConflicts", "listener has no conflicts");
  let programmed: Condition;
  if (conflict !== undefined) programmed = condition("Programmed", false, conflict, accepted.message);
  else if (!c.accepted.ok) programmed = condition("Programmed", false, "Invalid", c.accepted.message);
  else if (!gatewayAccepted) programmed = condition("Programmed", false, "Pending", "the Gateway is not accepted");
  else if (!c.programmable) programmed = condition("Programmed", false, "Invalid", `${d.field}.tls.certificateRefs: no usable certificate`);
  else programmed = condition("Programmed", true, "Programmed", "listener is programmed");
  const resolved = c.resolvedRefs.ok ? condition("ResolvedRefs", true, "ResolvedRefs", "references are resolved") : condition("ResolvedRefs", false, c.resolvedRefs.reason, c.resolvedRefs.message);
  return { name: n, supportedKinds: c.supportedKinds, conditions: [accepted, conflicted, programmed, resolved] };
}

function listenerSetView(ls: ListenerSet, allowed: Verdict, gatewayAccepted: boolean, declared: readonly Declared[], views: readonly ListenerStatusView[], conflicts: readonly (ConflictReason | undefined)[], rank: number): ListenerSetView {
  const source: SourceRef = { kind: "ListenerSet", namespace: ls.metadata?.namespace ?? "", name: ls.metadata?.name ?? "" };
  const both = (ok: boolean, reason: string, message: string): Condition[] => [condition("Accepted", ok, ok ? "Accepted" : reason, message), condition("Programmed", ok, ok ? "Programmed" : reason, message)];
  if (!allowed.ok) return { source, conditions: both(false, allowed.reason, allowed.message), listeners: [] };
  const mine = declared.map((d, i) => ({ d, i })).filter(({ d }) => d.rank === rank);
  const listeners = mine.map(({ i }) => views[i]).filter((v): v is ListenerStatusView => v !== undefined);
  if (!gatewayAccepted) return { source, conditions: both(false, "ParentNotAccepted", "the parent Gateway is not accepted"), listeners };
  // A ListenerSet needs a listener it can actually serve (its conformance test: one whose only
  // certificate is not permitted is ListenersNotValid), where a Gateway keeps routes attached to such listeners.
  const anyAccepted = mine.some(({ d, i }) => d.check.accepted.ok && conflicts[i] === undefined && d.check.programmable);
  return { source, conditions: anyAccepted ? both(true, "", "ListenerSet is accepted") : both(false, "ListenersNotValid", "no listener of the ListenerSet is valid"), listeners };
}

function toModel(gateway: Gateway, d: Declared): GatewayListener {
  const c = d.check;
  const mode = d.listener.protocol === "TLS" ? (d.listener.tls?.mode === "Passthrough" ? "Passthrough" : "Terminate") : undefined;
  const terminates = d.listener.protocol === "HTTPS" || mode === "Terminate";
  const tls = terminates ? { certificates: c.certificates.map((s) => s.name), ...(c.clientValidation !== undefined ? { clientValidation: { caSecret: c.clientValidation.ca.name, optional: c.clientValidation.optional } } : {}) } : undefined;
  return {
    gateway: { namespace: gateway.metadata?.namespace ?? "", name: gateway.metadata?.name ?? "" },
    source: d.source,
    name: d.listener.name,
    port: d.listener.port,
    protocol: d.listener.protocol as GatewayListener["protocol"],
    ...(mode !== undefined ? { tlsMode: mode } : {}),
    ...(c.hostname !== undefined ? { hostname: c.hostname } : {}),
    programmed: c.programmable,
    ...(tls !== undefined ? { tls } : {}),
    allowedRoutes: { ...c.allowedNamespaces, namespace: d.source.namespace, kinds: c.supportedKinds.map((k) => k.kind) },
  };
}

function invalidListenersMessage(own: readonly Declared[], conflicts: readonly (ConflictReason | undefined)[]): string {
  const bad = own.filter((d, i) => !d.check.accepted.ok || conflicts[i] !== undefined).map((d) => quote(d.listener.name));
  const good = own.filter((d, i) => d.check.accepted.ok && conflicts[i] === undefined).map((d) => quote(d.listener.name));
  return `listeners not valid: ${bad.join(", ") || "none"}; accepted: ${good.join(", ") || "none"}`;
}

function infrastructureProblem(objects: GatewayObjects, deps: DependencySet, gateway: Gateway, kinds: readonly ParametersKind[]): string | undefined {
  const ref = gateway.spec?.infrastructure?.parametersRef;
  if (ref === undefined) return undefined;
  const shown = quote(`${ref.group}/${ref.kind}`);
  if (!kinds.some((k) => k.group === ref.group && k.kind === ref.kind)) return `spec.infrastructure.parametersRef: kind ${shown} is not supported`;
  const ns = gateway.metadata?.namespace ?? "";
  deps.add(ref.kind, ns, ref.name);
  if (objects.get(ref.kind, ns, ref.name) === undefined) return `spec.infrastructure.parametersRef: ${ref.kind} ${quote(`${ns}/${ref.name}`)} not found`;
  return undefined;
}

function backendClientCertificate(objects: GatewayObjects, deps: DependencySet, gateway: Gateway, validate: TlsSecretValidator | undefined): { readonly ok: true; readonly secret?: TlsSecret } | Extract<Verdict, { ok: false }> {
  const ref = gateway.spec?.tls?.backend?.clientCertificateRef;
  if (ref === undefined) return { ok: true };
  const r = resolveCertificateRef({ objects, deps, from: { group: GATEWAY_GROUP, kind: "Gateway", namespace: gateway.metadata?.namespace ?? "" }, validateTlsSecret: validate }, ref, "spec.tls.backend.clientCertificateRef");
  if (r.ok) return { ok: true, secret: r.secret };
  return { ok: false, reason: r.reason === "RefNotPermitted" ? "RefNotPermitted" : "InvalidClientCertificateRef", message: r.message };
}
