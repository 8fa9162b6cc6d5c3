import type { Gateway, Listener, RouteGroupKind, TLSConfig } from "../../crds/types/gateway-api/gateway.js";
import { GATEWAY_GROUP } from "../../crds/types/gateway-api/common.js";
import type { LabelSelector } from "../../crds/types/gateway-api/common.js";
import type { TlsSecret } from "../model/model.js";
import { secretName as sdsSecretName, shortHash } from "../model/names.js";
import { quote } from "../store/conditions.js";
import { hostnameProblem } from "./hostnames.js";
import { parseLabelSelector } from "./label-selector.js";
import { resolveCaCertificateRef, resolveCertificateRef, type RefContext } from "./gateway-secrets.js";

/** A condition outcome: fine, or a reason and a message naming the field. */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly message: string };

/** Route kinds each listener protocol this controller serves can carry. */
export const ROUTE_KINDS_BY_PROTOCOL: Readonly<Record<string, readonly string[]>> = { HTTP: ["HTTPRoute", "GRPCRoute"], HTTPS: ["HTTPRoute", "GRPCRoute"], TLS: ["TLSRoute"], TCP: ["TCPRoute"], UDP: ["UDPRoute"] };

/** What checking one listener alone (before conflicts) found. */
export interface ListenerCheck {
  readonly protocolSupported: boolean;
  readonly accepted: Verdict;
  readonly resolvedRefs: Verdict;
  /** False when the listener cannot be programmed even if accepted: no usable certificate. */
  readonly programmable: boolean;
  readonly supportedKinds: readonly RouteGroupKind[];
  readonly hostname?: string;
  readonly allowedNamespaces: { readonly from: "All" | "Same" | "Selector" | "None"; readonly selector?: LabelSelector };
  readonly certificates: readonly TlsSecret[];
  readonly clientValidation?: { readonly ca: TlsSecret; readonly optional: boolean };
  /** Whether the frontend validation mode is AllowInsecureFallback (the Gateway then says so). */
  readonly insecureFallback: boolean;
}

const OK: Verdict = { ok: true };
const no = (reason: string, message: string): Verdict => ({ ok: false, reason, message });

/**
 * Checks one listener of a Gateway or a ListenerSet alone: protocol, hostname, route kinds,
 * allowedRoutes.namespaces, certificates and frontend client validation, with the spec's reasons
 * (UnsupportedProtocol, UnsupportedValue, InvalidRouteKinds, InvalidCertificateRef, RefNotPermitted,
 * InvalidCACertificateRef, InvalidCACertificateKind, NoValidCACertificate). `field` is the listener's
 * path, e.g. "spec.listeners[0]".
 */
export function checkListener(ctx: RefContext, listener: Listener, gateway: Gateway, field: string): ListenerCheck {
  // Strings by the schema; coerced so that a hand-edited object is refused by a condition, not a crash.
  const protocol = String(listener.protocol);
  const routeKinds = ROUTE_KINDS_BY_PROTOCOL[protocol];
  const from = listener.allowedRoutes?.namespaces?.from ?? "Same";
  const base = { certificates: [], insecureFallback: false, allowedNamespaces: { from } } as const;
  if (routeKinds === undefined) {
    const message = `${field}.protocol: ${quote(protocol)} is not supported; supported protocols are ${Object.keys(ROUTE_KINDS_BY_PROTOCOL).join(", ")}`;
    return { ...base, protocolSupported: false, accepted: no("UnsupportedProtocol", message), resolvedRefs: OK, programmable: false, supportedKinds: [] };
  }
  let accepted: Verdict = OK;
  let resolvedRefs: Verdict = OK;
  const refuse = (reason: string, message: string): void => {
    if (accepted.ok) accepted = no(reason, message);
  };
  const unresolved = (reason: string, message: string): void => {
    if (resolvedRefs.ok) resolvedRefs = no(reason, message);
  };

  const hostname = listener.hostname === undefined || listener.hostname === null || listener.hostname === "" ? undefined : String(listener.hostname);
  const hostProblem = hostname === undefined ? undefined : hostnameProblem(hostname);
  if (hostProblem !== undefined) refuse("UnsupportedValue", `${field}.hostname: ${quote(hostname ?? "")} ${hostProblem}`);
  if (!Number.isInteger(listener.port) || listener.port < 1 || listener.port > 65535) refuse("UnsupportedValue", `${field}.port: ${listener.port} is not a port number (1-65535)`);

  // Kinds: the valid ones are the supported kinds; any other is InvalidRouteKinds.
  const requested = listener.allowedRoutes?.kinds;
  const supportedKinds: RouteGroupKind[] = [];
  for (const [i, k] of (requested ?? routeKinds.map((kind) => ({ group: GATEWAY_GROUP, kind }))).entries()) {
    const group = k.group ?? GATEWAY_GROUP;
    if (group === GATEWAY_GROUP && routeKinds.includes(k.kind)) {
      if (!supportedKinds.some((s) => s.kind === k.kind)) supportedKinds.push({ group, kind: k.kind });
    } else {
      unresolved("InvalidRouteKinds", `${field}.allowedRoutes.kinds[${i}]: ${quote(`${group}/${k.kind}`)} is not supported on a ${protocol} listener; supported: ${routeKinds.join(", ")}`);
    }
  }

  const selector = listener.allowedRoutes?.namespaces?.selector;
  if (from === "Selector") {
    const parsed = parseLabelSelector(selector);
    if (!parsed.ok) refuse("UnsupportedValue", `${field}.allowedRoutes.namespaces.selector: ${parsed.error}`);
    else if (selector === undefined) refuse("UnsupportedValue", `${field}.allowedRoutes.namespaces.selector must be set when from is "Selector"`);
  } else if (!["All", "Same", "None"].includes(from)) {
    refuse("UnsupportedValue", `${field}.allowedRoutes.namespaces.from: ${quote(from)} is not one of All, Same, Selector, None`);
  }
  const allowedNamespaces = { from, ...(from === "Selector" && selector !== undefined ? { selector } : {}) };

  if (protocol === "HTTP" || protocol === "TCP" || protocol === "UDP") {
    if (listener.tls !== undefined) refuse("UnsupportedValue", `${field}.tls must not be set on a ${protocol} listener`);
    // TCP and UDP have no hostname to tell listeners apart; the spec says it is ignored there.
    const named = protocol === "HTTP" && hostname !== undefined ? { hostname } : {};
    return { ...base, protocolSupported: true, accepted, resolvedRefs, programmable: true, supportedKinds, allowedNamespaces, ...named };
  }

  const mode = listener.tls?.mode ?? "Terminate";
  if (protocol === "TLS" && mode === "Passthrough") {
    // Passthrough: the backend terminates, so the listener holds no certificate.
    if ((listener.tls?.certificateRefs ?? []).length > 0) refuse("UnsupportedValue", `${field}.tls.certificateRefs must be empty with mode Passthrough`);
    return { ...base, protocolSupported: true, accepted, resolvedRefs, programmable: true, supportedKinds, allowedNamespaces, ...(hostname !== undefined ? { hostname } : {}) };
  }

  // HTTPS, or TLS with mode Terminate: terminate with certificateRefs.
  const certificates: TlsSecret[] = [];
  if (listener.tls === undefined && protocol === "TLS") refuse("UnsupportedValue", `${field}.tls must be set on a TLS listener`);
  if (mode !== "Terminate") refuse("UnsupportedValue", `${field}.tls.mode: ${quote(mode)} is not supported on an HTTPS listener; use Terminate (or a TLS listener for Passthrough)`);
  const refs = listener.tls?.certificateRefs ?? [];
  if (refs.length === 0) unresolved("InvalidCertificateRef", `${field}.tls.certificateRefs must name at least one Secret`);
  // Every reference is resolved and every certificate that resolves is served (Envoy picks by SNI and
  // key type); ResolvedRefs names each bad one, its reason the first bad one's.
  const badRefs: { reason: string; message: string }[] = [];
  for (const [i, ref] of refs.entries()) {
    const r = resolveCertificateRef(ctx, ref, `${field}.tls.certificateRefs[${i}]`);
    if (r.ok) certificates.push(r.secret);
    else badRefs.push({ reason: r.reason === "RefNotPermitted" ? "RefNotPermitted" : "InvalidCertificateRef", message: r.message });
  }
  if (badRefs[0] !== undefined) {
    const served = certificates.length > 0 ? `; the other ${certificates.length === 1 ? "certificate is" : `${certificates.length} certificates are`} served` : "";
    unresolved(badRefs[0].reason, `${badRefs.map((b) => b.message).join("; ")}${served}`);
  }

  const frontend = frontendValidationFor(gateway, listener.port);
  let clientValidation: ListenerCheck["clientValidation"];
  let insecureFallback = false;
  if (frontend?.config.validation !== undefined) {
    const v = frontend.config.validation;
    const vfield = `${frontend.field}.validation`;
    const cas: TlsSecret[] = [];
    // The Gateway owns frontend validation, so the Gateway is the referrer for its ReferenceGrants.
    const gwCtx: RefContext = { ...ctx, from: { group: GATEWAY_GROUP, kind: "Gateway", namespace: gateway.metadata?.namespace ?? "" } };
    for (const [i, ref] of (v.caCertificateRefs ?? []).entries()) {
      const r = resolveCaCertificateRef(gwCtx, ref, `${vfield}.caCertificateRefs[${i}]`);
      if (r.ok) cas.push(r.secret);
      else unresolved(r.reason === "InvalidKind" ? "InvalidCACertificateKind" : r.reason === "RefNotPermitted" ? "RefNotPermitted" : "InvalidCACertificateRef", r.message);
    }
    if (cas.length === 0) refuse("NoValidCACertificate", `${vfield}.caCertificateRefs: no valid CA certificate; client certificates cannot be validated`);
    else clientValidation = { ca: mergeCas(gateway, cas), optional: v.mode === "AllowInsecureFallback" };
    insecureFallback = v.mode === "AllowInsecureFallback";
  }
  return {
    protocolSupported: true,
    accepted,
    resolvedRefs,
    programmable: certificates.length > 0,
    supportedKinds,
    allowedNamespaces,
    certificates,
    insecureFallback,
    ...(hostname !== undefined ? { hostname } : {}),
    ...(clientValidation !== undefined ? { clientValidation } : {}),
  };
}

/** The frontend TLS settings for a port: the perPort entry when there is one, else the default. */
function frontendValidationFor(gateway: Gateway, port: number): { readonly config: TLSConfig; readonly field: string } | undefined {
  const frontend = gateway.spec?.tls?.frontend;
  if (frontend === undefined) return undefined;
  const i = (frontend.perPort ?? []).findIndex((p) => p.port === port);
  const per = frontend.perPort?.[i];
  if (per !== undefined) return { config: per.tls, field: `spec.tls.frontend.perPort[${i}].tls` };
  return { config: frontend.default, field: "spec.tls.frontend.default" };
}

/** One CA bundle for Envoy from several references (the model carries one CA per listener). */
function mergeCas(gateway: Gateway, cas: readonly TlsSecret[]): TlsSecret {
  if (cas.length === 1 && cas[0] !== undefined) return cas[0];
  const pem = cas.map((c) => c.caCertificate ?? "").join("");
  const ns = gateway.metadata?.namespace ?? "";
  const name = gateway.metadata?.name ?? "";
  return { name: sdsSecretName(ns, `${name}-frontend-ca`, shortHash({ ca: pem })), source: { kind: "Gateway", namespace: ns, name }, caCertificate: pem };
}
