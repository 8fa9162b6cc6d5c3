/**
 * TLS of a root's virtual host, checked in upstream's order (computeHTTPProxy): a certificate Secret
 * (same namespace, or delegated) or passthrough, never both; protocol versions; client certificate
 * validation against a CA Secret. Any problem is an error and the host is not served: serving it
 * without the TLS settings asked for would be worse than not serving it.
 */
import type { DownstreamValidation, HTTPProxy, TLS } from "../../crds/types/httpproxy.js";
import type { TlsSecret, VirtualHostTls } from "../model/model.js";
import type { ObjectKey } from "../source/object-cache.js";
import type { TlsSecretValidator } from "../secrets/tls-secret-validation.js";
import { quote } from "../store/conditions.js";
import { lookupTlsSecret, type SecretRef } from "../secrets/lookup-tls-secret.js";
import { fallbackCertificate } from "./fallback-certificate.js";
import { lookupCaSecret } from "../secrets/lookup-ca-secret.js";
import { Area, proxyError, proxyWarning, refile, type ProxyReports } from "./proxy-conditions.js";
import { lookupCrlSecret } from "./crl-secret.js";
import { secretRef } from "./secret-ref.js";
import { flag, list, nonBlank, obj, str } from "./spec-values.js";
import type { WalkContext } from "./walk-context.js";

/** The virtual host's TLS: none, passthrough, or terminated with these settings; or not usable. */
export type TlsOutcome =
  | { readonly ok: true; readonly enabled: false }
  | { readonly ok: true; readonly enabled: true; readonly passthrough: true }
  | { readonly ok: true; readonly enabled: true; readonly passthrough: false; readonly tls: VirtualHostTls }
  | { readonly ok: false };

type Version = VirtualHostTls["minimumProtocolVersion"];

/** Reads spec.virtualhost.tls of a root. */
export function virtualHostTls(
  ctx: Pick<WalkContext, "cache" | "reports" | "dependencies" | "secrets">,
  proxy: HTTPProxy,
  key: ObjectKey,
  validate: TlsSecretValidator | undefined,
  fallbackSecret?: SecretRef,
): TlsOutcome {
  const field = "spec.virtualhost.tls";
  const tls = obj<TLS>(obj<{ tls?: unknown }>(proxy.spec.virtualhost)?.tls);
  if (tls === undefined) return { ok: true, enabled: false };
  const reports: ProxyReports = ctx.reports;
  const error = (reason: string, message: string): { ok: false } => {
    reports.add(key, proxyError(Area.TLS, reason, `${field}${message}`));
    return { ok: false };
  };
  const passthrough = flag(tls.passthrough);
  const secretName = nonBlank(tls.secretName);
  const clientValidation = obj<DownstreamValidation>(tls.clientValidation);
  if (passthrough && flag(tls.enableFallbackCertificate)) reports.add(key, proxyError(Area.TLS, "TLSIncompatibleFeatures", `${field}: both passthrough and enableFallbackCertificate were specified`));
  if (secretName !== undefined && passthrough) return error("TLSConfigNotValid", ": both passthrough and secretName were specified");
  if (secretName === undefined && !passthrough) return error("TLSConfigNotValid", ": neither passthrough nor secretName were specified");
  if (passthrough && clientValidation !== undefined) return error("TLSIncompatibleFeatures", ": passthrough cannot be combined with clientValidation");
  if (passthrough || secretName === undefined) return { ok: true, enabled: true, passthrough: true };

  const namespace = key.namespace;
  const found = lookupTlsSecret(ctx.cache, secretRef(secretName, namespace), namespace, `${field}.secretName`, validate);
  ctx.dependencies.push(...found.dependencies);
  if (!found.ok) {
    reports.add(key, refile(found.condition, Area.TLS, found.condition.reason === "DelegationNotPermitted" ? "DelegationNotPermitted" : "SecretNotValid"));
    return { ok: false };
  }
  ctx.secrets.set(found.secret.name, found.secret);
  const min = version(tls.minimumProtocolVersion, "1.2", `${field}.minimumProtocolVersion`, reports, key);
  const max = version(tls.maximumProtocolVersion, "1.3", `${field}.maximumProtocolVersion`, reports, key);
  if (min === "1.3" && max === "1.2") return error("TLSConfigNotValid", ": the minimum protocol version is greater than the maximum protocol version");
  let fallback: TlsSecret | undefined;
  if (flag(tls.enableFallbackCertificate)) {
    if (clientValidation !== undefined) return error("TLSIncompatibleFeatures", ": fallback & client validation are incompatible");
    // The fallback chain gathers many hosts on one connection manager: one host's JWT filter cannot be installed there (upstream's reason).
    if (list(obj<{ jwtProviders?: unknown }>(proxy.spec.virtualhost)?.jwtProviders).length > 0) return error("TLSIncompatibleFeatures", ": fallback & JWT providers are incompatible");
    fallback = fallbackCertificate(ctx, fallbackSecret, key, validate);
    if (fallback === undefined) return { ok: false };
  }
  const validation = clientValidation === undefined ? undefined : clientValidationOf(ctx, clientValidation, key, error);
  if (validation === false) return { ok: false };
  return {
    ok: true,
    enabled: true,
    passthrough: false,
    tls: {
      secret: found.secret.name,
      minimumProtocolVersion: min,
      maximumProtocolVersion: max,
      ...(validation !== undefined ? { clientValidation: validation } : {}),
      ...(fallback !== undefined ? { fallbackCertificate: fallback.name } : {}),
    },
  };
}

function clientValidationOf(
  ctx: Pick<WalkContext, "cache" | "reports" | "dependencies" | "secrets">,
  cv: DownstreamValidation,
  key: ObjectKey,
  error: (reason: string, message: string) => { ok: false },
): NonNullable<VirtualHostTls["clientValidation"]> | false {
  const field = "spec.virtualhost.tls.clientValidation";
  const skip = flag(cv.skipClientCertValidation);
  let caSecret: TlsSecret | undefined;
  const caRef = nonBlank(cv.caSecret);
  if (caRef !== undefined) {
    const found = lookupCaSecret(ctx.cache, secretRef(caRef, key.namespace), key.namespace, `${field}.caSecret`);
    ctx.dependencies.push(...found.dependencies);
    if (!found.ok) {
      const reason = found.condition.reason === "DelegationNotPermitted" ? "DelegationNotPermitted" : "ClientValidationInvalid";
      ctx.reports.add(key, refile(found.condition, Area.TLS, reason));
      return false;
    }
    caSecret = found.secret;
    ctx.secrets.set(found.secret.name, found.secret);
  } else if (!skip) {
    error("ClientValidationInvalid", ".clientValidation: client validation is invalid: CA Secret must be specified");
    return false;
  }
  let crl: { pem: string; onlyLeaf: boolean } | undefined;
  const crlRef = nonBlank(cv.crlSecret);
  if (crlRef !== undefined) {
    const found = lookupCrlSecret(ctx.cache, secretRef(crlRef, key.namespace), key.namespace, `${field}.crlSecret`);
    ctx.dependencies.push(...found.lookup.dependencies);
    if (!found.lookup.ok || found.pem === undefined) {
      const reason = !found.lookup.ok && found.lookup.condition.reason === "DelegationNotPermitted" ? "DelegationNotPermitted" : "ClientValidationInvalid";
      if (!found.lookup.ok) ctx.reports.add(key, refile(found.lookup.condition, Area.TLS, reason));
      return false;
    }
    crl = { pem: found.pem, onlyLeaf: flag(cv.crlOnlyVerifyLeafCert) };
  }
  const forward = obj<NonNullable<DownstreamValidation["forwardClientCertificate"]>>(cv.forwardClientCertificate);
  return {
    ...(caSecret !== undefined ? { caSecret: caSecret.name } : {}),
    optional: flag(cv.optionalClientCertificate),
    skipVerification: skip,
    ...(forward !== undefined
      ? { forwardClientCertificate: { subject: flag(forward.subject), cert: flag(forward.cert), chain: flag(forward.chain), dns: flag(forward.dns), uri: flag(forward.uri) } }
      : {}),
    ...(crl !== undefined ? { crl } : {}),
  };
}

/** Upstream's annotation.TLSVersion: "1.2" or "1.3", the default otherwise (reported here). */
function version(value: unknown, fallback: Version, field: string, reports: ProxyReports, key: ObjectKey): Version {
  if (value === undefined || value === "") return fallback;
  if (value === "1.2" || value === "1.3") return value;
  reports.add(key, proxyWarning(Area.TLS, "IgnoredField", `${field}: ${quote(str(value) ?? String(value))} is not "1.2" or "1.3"; ${fallback} used`));
  return fallback;
}
