import type { V1ServicePort } from "@kubernetes/client-node";
import type { BackendTLSPolicy } from "../../crds/types/gateway-api/backendtlspolicy.js";
import type { SourceRef, TlsSecret } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import { quote } from "../store/conditions.js";
import { secretName as sdsSecretName, shortHash } from "../model/names.js";
import { hostnameProblem } from "./hostnames.js";
import { compareText, condition, createDependencySet, entries, failure, timestampText, type Dependency, type GatewayObjects } from "./objects.js";
import { lookupCaBundle } from "./gateway-secrets.js";
import type { BackendTlsLookup, BackendTlsSettings } from "./route-backends.js";

/** A Service (and optionally one of its ports, by name) a policy applies to. */
export interface PolicyTarget {
  readonly namespace: string;
  readonly service: string;
  readonly sectionName?: string;
}

/** What one BackendTLSPolicy reconcile decides. */
export interface BackendTlsPolicyResult {
  readonly source: SourceRef;
  /** Accepted and ResolvedRefs, to be written for every ancestor Gateway (see policyAncestors). */
  readonly conditions: readonly Condition[];
  /** The targets this policy governs: those it does not lose to an older policy. */
  readonly targets: readonly PolicyTarget[];
  /** Every Service target it names, won or lost: its status goes to the Gateways of routes using them. */
  readonly named: readonly PolicyTarget[];
  /** The TLS to apply, or why the targets must not be served (Envoy gets no cleartext fallback). */
  readonly settings: { readonly ok: true; readonly value: BackendTlsSettings } | { readonly ok: false; readonly message: string };
  readonly dependencies: readonly Dependency[];
}

const targetKey = (t: PolicyTarget): string => `${t.namespace}/${t.service}/${t.sectionName ?? ""}`;

/**
 * Resolves one BackendTLSPolicy: its Service targets (the oldest policy per Service and section
 * wins; a policy that loses every target is Conflicted), its CA (ConfigMaps' ca.crt, or the system
 * trust store), SNI hostname and subjectAltNames. Conditions: Accepted (Accepted, Conflicted,
 * Invalid, TargetNotFound, NoValidCACertificate) and ResolvedRefs (ResolvedRefs, InvalidKind,
 * InvalidCACertificateRef). A target of an invalid policy answers 5xx rather than cleartext.
 */
export function reconcileBackendTLSPolicy(objects: GatewayObjects, policy: BackendTLSPolicy): BackendTlsPolicyResult {
  try {
    return reconcile(objects, policy);
  } catch (e) {
    // Only a bug or input the schema forbids gets here: the policy governs nothing and says why.
    const source: SourceRef = { kind: "BackendTLSPolicy", namespace: policy.metadata?.namespace ?? "", name: policy.metadata?.name ?? "" };
    const message = failure(e);
    return { source, conditions: [condition("Accepted", false, "Invalid", message)], targets: [], named: [], settings: { ok: false, message }, dependencies: [] };
  }
}

function reconcile(objects: GatewayObjects, policy: BackendTLSPolicy): BackendTlsPolicyResult {
  const namespace = policy.metadata?.namespace ?? "";
  const source: SourceRef = { kind: "BackendTLSPolicy", namespace, name: policy.metadata?.name ?? "" };
  const deps = createDependencySet();
  const named: PolicyTarget[] = [];
  const finish = (accepted: Condition, resolved: Condition, targets: readonly PolicyTarget[], settings: BackendTlsPolicyResult["settings"]): BackendTlsPolicyResult => ({ source, conditions: [accepted, resolved], targets, named, settings, dependencies: deps.sorted() });
  const resolvedOk = condition("ResolvedRefs", true, "ResolvedRefs", "references are resolved");
  const invalid = (message: string): BackendTlsPolicyResult => finish(condition("Accepted", false, "Invalid", message), resolvedOk, [], { ok: false, message });

  const targets: PolicyTarget[] = [];
  for (const t of entries<BackendTLSPolicy["spec"]["targetRefs"][number]>(policy.spec?.targetRefs)) {
    if (t.group === "" && t.kind === "Service") named.push({ namespace, service: t.name, ...(t.sectionName !== undefined ? { sectionName: t.sectionName } : {}) });
  }
  for (const [i, t] of entries<BackendTLSPolicy["spec"]["targetRefs"][number]>(policy.spec?.targetRefs).entries()) {
    if (t.group !== "" || t.kind !== "Service") return invalid(`spec.targetRefs[${i}]: ${quote(`${t.group}/${t.kind}`)} is not supported; only core Services are`);
    targets.push({ namespace, service: t.name, ...(t.sectionName !== undefined ? { sectionName: t.sectionName } : {}) });
  }
  const v = policy.spec?.validation;
  const sni = v?.hostname ?? "";
  const why = hostnameProblem(sni);
  if (why !== undefined || sni.startsWith("*")) return invalid(`spec.validation.hostname: ${quote(sni)} ${why ?? "must not be a wildcard"}`);
  const sans: { type: "Hostname" | "URI"; value: string }[] = [];
  for (const [i, s] of (v?.subjectAltNames ?? []).entries()) {
    const value = s.type === "Hostname" ? (s.hostname ?? "") : s.type === "URI" ? (s.uri ?? "") : "";
    if (value === "") return invalid(`spec.validation.subjectAltNames[${i}]: a ${quote(String(s.type))} entry needs its ${s.type === "URI" ? "uri" : "hostname"}`);
    sans.push({ type: s.type, value });
  }
  const refs = v?.caCertificateRefs ?? [];
  const system = v?.wellKnownCACertificates;
  if ((refs.length > 0) === (system !== undefined)) return invalid("spec.validation: exactly one of caCertificateRefs and wellKnownCACertificates must be set");
  if (system !== undefined && system !== "System") return invalid(`spec.validation.wellKnownCACertificates: ${quote(system)} is not "System"`);

  // Conflicts: among this namespace's policies, the oldest (then by name) wins each target.
  const won = targets.filter((t) => ownerOf(objects, t) === source.name);
  deps.add("BackendTLSPolicy", namespace, "*");
  for (const t of targets) deps.add("Service", namespace, t.service);
  if (targets.length > 0 && won.length === 0) return finish(condition("Accepted", false, "Conflicted", "every target is governed by an older BackendTLSPolicy"), resolvedOk, [], { ok: false, message: "conflicted" });
  const missing = won.filter((t) => objects.get("Service", namespace, t.service) === undefined);
  if (missing.length === won.length && won.length > 0) return finish(condition("Accepted", false, "TargetNotFound", `spec.targetRefs: Service ${quote(`${namespace}/${missing[0]?.service ?? ""}`)} not found`), resolvedOk, won, { ok: false, message: "target not found" });

  const cas: TlsSecret[] = [];
  let resolved = resolvedOk;
  for (const [i, ref] of refs.entries()) {
    const field = `spec.validation.caCertificateRefs[${i}]`;
    if (ref.group !== "" || ref.kind !== "ConfigMap") {
      if (resolved.status === "True") resolved = condition("ResolvedRefs", false, "InvalidKind", `${field}: ${quote(`${ref.group}/${ref.kind}`)} is not supported; only core ConfigMaps are`);
      continue;
    }
    const r = lookupCaBundle({ objects, deps }, "ConfigMap", namespace, ref.name, field);
    if (r.ok) cas.push(r.secret);
    else if (resolved.status === "True") resolved = condition("ResolvedRefs", false, "InvalidCACertificateRef", r.message);
  }
  if (system === undefined && cas.length === 0) {
    const message = "spec.validation.caCertificateRefs: no valid CA certificate";
    return finish(condition("Accepted", false, "NoValidCACertificate", message), resolved, won, { ok: false, message });
  }
  // The model carries one CA per cluster: several ConfigMaps become one bundle named after the policy.
  const pem = cas.map((c) => c.caCertificate ?? "").join("");
  const ca: TlsSecret | undefined = cas.length <= 1 ? cas[0] : { name: sdsSecretName(namespace, `${source.name}-ca`, shortHash({ ca: pem })), source, caCertificate: pem };
  const value: BackendTlsSettings = { tls: { sni, systemCa: system !== undefined, subjectAltNames: sans, ...(ca !== undefined ? { caSecret: ca.name } : {}) }, secrets: ca !== undefined ? [ca] : [] };
  return finish(condition("Accepted", true, "Accepted", "policy is accepted"), resolved, won, { ok: true, value });
}

/** The name of the policy governing a target: the oldest in its namespace naming the same Service and section. */
function ownerOf(objects: GatewayObjects, target: PolicyTarget): string | undefined {
  const claimants = objects.list<BackendTLSPolicy>("BackendTLSPolicy", target.namespace).filter((p) => (p.spec?.targetRefs ?? []).some((t) => t.group === "" && t.kind === "Service" && t.name === target.service && (t.sectionName ?? "") === (target.sectionName ?? "")));
  const created = (p: BackendTLSPolicy): string => timestampText(p.metadata?.creationTimestamp);
  claimants.sort((a, b) => compareText(created(a), created(b)) || compareText(a.metadata?.name ?? "", b.metadata?.name ?? ""));
  return claimants[0]?.metadata?.name;
}

/**
 * The BackendTlsLookup route reconciles use: for a Service port, the policy naming that port (by
 * name) wins over one naming the whole Service. An invalid governing policy makes the port unusable.
 */
export function backendTlsLookup(results: readonly BackendTlsPolicyResult[]): BackendTlsLookup {
  const byTarget = new Map<string, BackendTlsPolicyResult>();
  for (const r of results) for (const t of r.targets) byTarget.set(targetKey(t), r);
  return (namespace: string, service: string, port: V1ServicePort) => {
    const r = (port.name !== undefined && port.name !== "" ? byTarget.get(targetKey({ namespace, service, sectionName: port.name })) : undefined) ?? byTarget.get(targetKey({ namespace, service }));
    if (r === undefined) return undefined;
    return r.settings.ok ? r.settings.value : { invalid: `BackendTLSPolicy ${quote(`${r.source.namespace}/${r.source.name}`)} is not valid: ${r.settings.message}` };
  };
}

/** What policyAncestors needs of a route reconcile: the Services it read and the Gateways it is parented to. */
export interface RouteForAncestors {
  readonly dependencies: readonly Dependency[];
  readonly gateways: readonly { readonly namespace: string; readonly name: string }[];
}

/**
 * The Gateways a policy reports status for: those of routes that refer to one of its target
 * Services (whether or not the policy let the route use them, so an invalid policy is told too).
 */
export function policyAncestors(targets: readonly PolicyTarget[], routes: readonly RouteForAncestors[]): { readonly group: string; readonly kind: string; readonly namespace: string; readonly name: string }[] {
  const services = new Set(targets.map((t) => `${t.namespace}/${t.service}`));
  const out = new Map<string, { group: string; kind: string; namespace: string; name: string }>();
  for (const r of routes) {
    if (!r.dependencies.some((d) => d.kind === "Service" && services.has(`${d.namespace}/${d.name}`))) continue;
    for (const g of r.gateways) out.set(`${g.namespace}/${g.name}`, { group: "gateway.networking.k8s.io", kind: "Gateway", namespace: g.namespace, name: g.name });
  }
  return [...out.entries()].sort(([a], [b]) => compareText(a, b)).map(([, v]) => v);
}
