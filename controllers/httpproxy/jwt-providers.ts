/**
 * JWT verification of a root HTTPProxy (spec.virtualhost.jwtProviders and the routes'
 * jwtVerificationPolicy), with upstream Contour's semantics and status reasons: providers only on
 * hosts that terminate TLS, unique names, at most one default, a remote JWKS over http or https
 * fetched through a `dnsname/<scheme>/<host>` cluster, Go durations for timeout and cacheDuration.
 * A route requires the default provider unless it says `disabled` or names another with `require`;
 * naming a provider the host lacks fails the host (never served unverified).
 */
import type { JWTProvider as SpecJWTProvider, UpstreamValidation, VirtualHost as SpecVirtualHost } from "../../crds/types/httpproxy.js";
import type { DnsNameCluster, JwtProvider, Route, TlsSecret } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import type { ObjectKey } from "../source/object-cache.js";
import { parseGoDuration, toMilliseconds } from "../annotations/go-duration.js";
import { lookupCaSecret } from "../secrets/lookup-ca-secret.js";
import { quote } from "../store/conditions.js";
import { Area, proxyError } from "./proxy-conditions.js";
import { secretRef } from "./secret-ref.js";
import { flag, list, nonBlank, obj, str } from "./spec-values.js";
import type { WalkContext } from "./walk-context.js";

/** Upstream's default remote JWKS fetch timeout. */
const DEFAULT_JWKS_TIMEOUT_MS = 1000;

const LOOKUP_FAMILIES: ReadonlySet<string> = new Set(["auto", "v4", "v6", "all"]);

/** The providers of one host, the default's name (if any), and the CA secrets they use; or an error condition. */
export type JwtProvidersResult =
  | { readonly ok: true; readonly providers: readonly JwtProvider[]; readonly defaultProvider?: string; readonly secrets: readonly TlsSecret[] }
  | { readonly ok: false; readonly condition: Condition };

/** Upstream's name of the DNS cluster fetching a JWKS: `dnsname/<scheme>/<host>`. */
export function dnsNameClusterName(scheme: string, host: string): string {
  return `dnsname/${scheme}/${host}`;
}

/**
 * Whether a host may declare JWT providers: upstream refuses them (JWTVerificationNotPermitted)
 * unless the root terminates TLS with its own secretName; undefined when it may.
 */
export function jwtNotPermitted(vh: SpecVirtualHost): Condition | undefined {
  if (list(vh.jwtProviders).length === 0) return undefined;
  const tls = obj<{ secretName?: unknown }>(vh.tls);
  if (tls !== undefined && nonBlank(tls.secretName) !== undefined) return undefined;
  return proxyError(Area.JWTVerification, "JWTVerificationNotPermitted", "spec.virtualhost.jwtProviders can only be defined for root HTTPProxies that terminate TLS");
}

/** Reads spec.virtualhost.jwtProviders of a TLS-terminating root in the proxy's namespace. */
export function jwtProviders(ctx: WalkContext, vh: SpecVirtualHost, key: ObjectKey): JwtProvidersResult {
  const providers: JwtProvider[] = [];
  const secrets: TlsSecret[] = [];
  const names = new Set<string>();
  let defaultProvider: string | undefined;
  const specs = list<SpecJWTProvider>(vh.jwtProviders);
  for (let i = 0; i < specs.length; i++) {
    const field = `spec.virtualhost.jwtProviders[${i}]`;
    const fail = (reason: string, message: string): JwtProvidersResult => ({ ok: false, condition: proxyError(Area.JWTVerification, reason, `${field}${message}`) });
    const spec = obj<SpecJWTProvider>(specs[i]);
    const name = nonBlank(spec?.name);
    // The CRD requires a name; an object stored without one cannot be referred to (nor keyed in Envoy's map).
    if (spec === undefined || name === undefined) return fail("ProviderNameInvalid", ".name must be a non-empty string");
    if (names.has(name)) return fail("DuplicateProviderName", `: invalid: duplicate name ${name}`);
    names.add(name);
    if (flag(spec.default)) {
      if (defaultProvider !== undefined) return fail("MultipleDefaultProvidersSpecified", ": invalid: at most one provider can be set as the default");
      defaultProvider = name;
    }
    const remote = obj<SpecJWTProvider["remoteJWKS"]>(spec.remoteJWKS);
    const uri = parseJwksUri(str(remote?.uri) ?? "");
    if ("problem" in uri) return fail(uri.reason, `.remoteJWKS.uri ${uri.problem}`);

    let upstreamValidation: DnsNameCluster["upstreamValidation"];
    const validation = obj<UpstreamValidation>(remote?.validation);
    if (validation !== undefined) {
      if (uri.scheme === "http") return fail("RemoteJWKSUpstreamValidationInvalid", ".remoteJWKS.validation must not be specified when URI scheme is http.");
      const caRef = str(validation.caSecret) ?? "";
      const subjectName = str(validation.subjectName) ?? "";
      if (caRef === "" || subjectName === "") return fail("RemoteJWKSUpstreamValidationInvalid", ".remoteJWKS.validation is invalid: caSecret and subjectName must both be set");
      const ref = secretRef(caRef, key.namespace);
      const found = lookupCaSecret(ctx.cache, ref, key.namespace, `${field}.remoteJWKS.validation.caSecret`);
      ctx.dependencies.push(...found.dependencies);
      if (!found.ok) {
        return found.condition.reason === "DelegationNotPermitted"
          ? fail("RemoteJWKSCACertificateNotDelegated", `.remoteJWKS.validation.caSecret Secret ${quote(`${ref.namespace}/${ref.name}`)} is not configured for certificate delegation`)
          : fail("RemoteJWKSUpstreamValidationInvalid", `.remoteJWKS.validation is invalid: ${found.condition.message}`);
      }
      secrets.push(found.secret);
      upstreamValidation = { caSecret: found.secret.name, subjectName };
    }

    // The bounds are Envoy's (HttpUri.timeout, RemoteJwks.cache_duration): past them it would reject the listener.
    const timeout = durationField(remote?.timeout, DEFAULT_JWKS_TIMEOUT_MS, 0, 4_294_967_295_999);
    if ("problem" in timeout) return fail("RemoteJWKSTimeoutInvalid", `.remoteJWKS.timeout is invalid: ${timeout.problem}`);
    const cache = durationField(remote?.cacheDuration, undefined, 1, 8_999_999_999_999);
    if ("problem" in cache) return fail("RemoteJWKSCacheDurationInvalid", `.remoteJWKS.cacheDuration is invalid: ${cache.problem}`);

    const family: unknown = remote?.dnsLookupFamily;
    if (family !== undefined && family !== "" && (typeof family !== "string" || !LOOKUP_FAMILIES.has(family))) {
      return fail("RemoteJWKSDNSLookupFamilyInvalid", `.remoteJWKS.dnsLookupFamily has an invalid value ${quote(String(family))}, must be auto, all, v4 or v6`);
    }
    const cluster: DnsNameCluster = {
      name: dnsNameClusterName(uri.scheme, uri.host),
      scheme: uri.scheme,
      address: uri.host,
      port: uri.port,
      ...(typeof family === "string" && family !== "" ? { dnsLookupFamily: family as NonNullable<DnsNameCluster["dnsLookupFamily"]> } : {}),
      ...(upstreamValidation !== undefined ? { upstreamValidation } : {}),
    };
    providers.push({
      name,
      issuer: str(spec.issuer) ?? "",
      audiences: list<unknown>(spec.audiences).filter((a): a is string => typeof a === "string"),
      forwardJwt: flag(spec.forwardJWT),
      remoteJwks: { uri: uri.text, timeoutMs: timeout.ms ?? DEFAULT_JWKS_TIMEOUT_MS, ...(cache.ms !== undefined ? { cacheDurationMs: cache.ms } : {}), cluster },
    });
  }
  providers.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ok: true, providers, ...(defaultProvider !== undefined ? { defaultProvider } : {}), secrets };
}

/**
 * The provider a route requires, as upstream's computeRoutes reads jwtVerificationPolicy: `require`
 * names one, `disabled` none, otherwise the host's default (undefined: none). Both together is an
 * error condition.
 */
export function routeJwtProvider(raw: unknown, defaultProvider: string | undefined, field: string): { readonly ok: true; readonly provider?: string } | { readonly ok: false; readonly condition: Condition } {
  const policy = obj<{ require?: unknown; disabled?: unknown }>(raw);
  const require = nonBlank(policy?.require);
  if (require !== undefined && flag(policy?.disabled)) {
    return { ok: false, condition: proxyError(Area.JWTVerification, "InvalidJWTVerificationPolicy", `${field}.jwtVerificationPolicy: route's JWT verification policy cannot specify both require and disabled`) };
  }
  if (require !== undefined) return { ok: true, provider: require };
  if (flag(policy?.disabled) || defaultProvider === undefined) return { ok: true };
  return { ok: true, provider: defaultProvider };
}

/** The first route naming a provider the host does not have, as upstream's JWTProviderNotDefined; undefined when all are defined. */
export function undefinedJwtProvider(routes: readonly Route[], providers: readonly JwtProvider[]): Condition | undefined {
  const names = new Set(providers.map((p) => p.name));
  const bad = routes.find((r) => r.jwtProvider !== undefined && !names.has(r.jwtProvider));
  if (bad === undefined) return undefined;
  return proxyError(Area.JWTVerification, "JWTProviderNotDefined", `spec.routes: route references an undefined JWT provider ${quote(bad.jwtProvider ?? "")}`);
}

type ParsedUri = { readonly text: string; readonly scheme: "http" | "https"; readonly host: string; readonly port: number } | { readonly reason: string; readonly problem: string };

// A scheme as RFC 3986 spells it; what precedes the first ":" otherwise (Go's url.Parse reads "host:80/x" as scheme "host").
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/u;

function parseJwksUri(text: string): ParsedUri {
  const scheme = SCHEME.exec(text)?.[1]?.toLowerCase() ?? "";
  if (scheme !== "http" && scheme !== "https") return { reason: "RemoteJWKSSchemeInvalid", problem: `has invalid scheme ${quote(scheme)}, must be http or https` };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { reason: "RemoteJWKSURIInvalid", problem: `is invalid: ${quote(text)} is not a URL` };
  }
  // URL keeps IPv6 literals bracketed; Envoy's socket address takes them bare, as Go's Hostname() gives them.
  const host = url.hostname.replace(/^\[(.*)\]$/u, "$1");
  if (host === "") return { reason: "RemoteJWKSURIInvalid", problem: "is invalid: no host" };
  // URL leaves the port empty when it is the scheme's own.
  const port = url.port !== "" ? Number(url.port) : scheme === "https" ? 443 : 80;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { reason: "RemoteJWKSPortInvalid", problem: `has an invalid port: ${quote(url.port)}` };
  return { text, scheme, host, port };
}

function durationField(raw: unknown, fallback: number | undefined, minMs: number, maxMs: number): { readonly ms: number | undefined } | { readonly problem: string } {
  if (raw === undefined || raw === "") return { ms: fallback };
  if (typeof raw !== "string") return { problem: "not a string" };
  const parsed = parseGoDuration(raw);
  if (!parsed.ok) return { problem: `time: invalid duration ${quote(raw)}: ${parsed.error}` };
  if (parsed.nanoseconds < 0n) return { problem: `${quote(raw)} is negative` };
  const ms = toMilliseconds(parsed.nanoseconds);
  if (ms < minMs) return { problem: `${quote(raw)} is shorter than ${minMs} ms` };
  if (ms > maxMs) return { problem: `${quote(raw)} is longer than Envoy accepts (at most ${maxMs} ms)` };
  return { ms };
}
