/**
 * The fallback certificate of a secure host (spec.virtualhost.tls.enableFallbackCertificate): the
 * operator's TLS Secret (config file `tls.fallback-certificate`) served to clients that send no SNI,
 * or one no host's chain matches. Checked as upstream's HTTPProxyProcessor: not configured is
 * FallbackNotPresent, not delegated to the proxy's namespace FallbackNotDelegated, missing or
 * unusable FallbackNotValid. Every problem is an error: the host asked to be reachable without SNI.
 */
import type { TlsSecret } from "../model/model.js";
import type { ObjectKey } from "../source/object-cache.js";
import type { TlsSecretValidator } from "../secrets/tls-secret-validation.js";
import { lookupTlsSecret, type SecretRef } from "../secrets/lookup-tls-secret.js";
import { quote } from "../store/conditions.js";
import { Area, proxyError } from "./proxy-conditions.js";
import type { WalkContext } from "./walk-context.js";

const FIELD = "spec.virtualhost.tls.enableFallbackCertificate";

/** The fallback certificate Secret for a host of `key`'s namespace, or undefined once its error is reported. */
export function fallbackCertificate(
  ctx: Pick<WalkContext, "cache" | "reports" | "dependencies" | "secrets">,
  configured: SecretRef | undefined,
  key: ObjectKey,
  validate: TlsSecretValidator | undefined,
): TlsSecret | undefined {
  const error = (reason: string, message: string): undefined => {
    ctx.reports.add(key, proxyError(Area.TLS, reason, `${FIELD}: ${message}`));
    return undefined;
  };
  if (configured === undefined) return error("FallbackNotPresent", "enabled fallback but the fallback Certificate Secret is not configured in Contour configuration file");
  const found = lookupTlsSecret(ctx.cache, configured, key.namespace, FIELD, validate);
  ctx.dependencies.push(...found.dependencies);
  const display = quote(`${configured.namespace}/${configured.name}`, 128);
  if (!found.ok) {
    if (found.condition.reason === "DelegationNotPermitted") return error("FallbackNotDelegated", `Secret ${display} is not configured for certificate delegation to namespace ${quote(key.namespace)}`);
    // The lookup's message already names the field; keep only what it says about the Secret.
    return error("FallbackNotValid", `Secret ${display} fallback certificate is invalid: ${found.condition.message.slice(FIELD.length + 2)}`);
  }
  ctx.secrets.set(found.secret.name, found.secret);
  return found.secret;
}
