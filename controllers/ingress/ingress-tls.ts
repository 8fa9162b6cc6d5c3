import type { V1Ingress } from "@kubernetes/client-node";
import type { TlsSecret, VirtualHostTls } from "../model/model.js";
import type { Condition } from "../store/fragment.js";
import type { ObjectCache, ObjectKey } from "../source/object-cache.js";
import type { TlsVersionRange } from "../annotations/tls-protocol-version.js";
import type { TlsSecretValidator } from "../secrets/tls-secret-validation.js";
import { errorCondition, quote, warningCondition } from "../store/conditions.js";
import { tlsCertNamespace } from "../annotations/tls-cert-namespace.js";
import { lookupTlsSecret, type SecretRef } from "../secrets/lookup-tls-secret.js";
import { invalidHostReason } from "./host-name.js";

/** The secure virtual hosts one Ingress declares, with what was read to decide them. */
export interface IngressTls {
  /** TLS settings by host, for hosts whose Secret is usable. */
  readonly hosts: ReadonlyMap<string, VirtualHostTls>;
  readonly secrets: readonly TlsSecret[];
  readonly conditions: readonly Condition[];
  readonly dependencies: readonly ObjectKey[];
}

/**
 * The Secret a spec.tls entry names, as upstream's k8s.NamespacedNameFrom resolves it:
 * "namespace/name" names another namespace, a bare name lives in the namespace of the
 * projectcontour.io/tls-cert-namespace annotation, or else in the Ingress's own namespace.
 */
export function tlsSecretRef(secretName: string, ingress: V1Ingress): SecretRef {
  const slash = secretName.indexOf("/");
  if (slash >= 0) return { namespace: secretName.slice(0, slash), name: secretName.slice(slash + 1) };
  const annotated = tlsCertNamespace(ingress.metadata?.annotations);
  return { namespace: annotated !== "" ? annotated : (ingress.metadata?.namespace ?? ""), name: secretName };
}

/**
 * Secure virtual hosts from spec.tls, as upstream's computeSecureVirtualhosts builds them: an entry
 * whose Secret is missing, not delegated or invalid adds no secure host (its hosts stay plain HTTP);
 * a host listed by two entries takes the later one, as upstream's overwrite does, with a warning.
 */
export function ingressTls(cache: ObjectCache, ingress: V1Ingress, versions: TlsVersionRange, validate: TlsSecretValidator | undefined): IngressTls {
  const namespace = ingress.metadata?.namespace ?? "";
  const hosts = new Map<string, VirtualHostTls>();
  const secrets: TlsSecret[] = [];
  const conditions: Condition[] = [];
  const dependencies: ObjectKey[] = [];
  (ingress.spec?.tls ?? []).forEach((entry, i) => {
    const field = `spec.tls[${i}]`;
    const secretName = entry.secretName ?? "";
    if (secretName === "") {
      conditions.push(errorCondition("SecretNotFound", `${field}.secretName: no Secret named; its hosts are not served over TLS`));
      return;
    }
    const found = lookupTlsSecret(cache, tlsSecretRef(secretName, ingress), namespace, `${field}.secretName`, validate);
    dependencies.push(...found.dependencies);
    if (!found.ok) {
      conditions.push(found.condition);
      return;
    }
    secrets.push(found.secret);
    (entry.hosts ?? []).forEach((host, k) => {
      const why = invalidHostReason(host);
      if (why !== undefined) {
        conditions.push(errorCondition("InvalidHost", `${field}.hosts[${k}]: ${quote(host)} ${why}`));
        return;
      }
      const earlier = hosts.get(host);
      if (earlier !== undefined && earlier.secret !== found.secret.name) {
        conditions.push(warningCondition("DuplicateTLSHost", `${field}.hosts[${k}]: host ${quote(host)} is listed by an earlier spec.tls entry too; this one is used`));
      }
      hosts.set(host, { secret: found.secret.name, minimumProtocolVersion: versions.minimum, maximumProtocolVersion: versions.maximum });
    });
  });
  return { hosts, secrets, conditions, dependencies };
}
