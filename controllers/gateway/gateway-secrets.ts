import type { V1ConfigMap, V1Secret } from "@kubernetes/client-node";
import type { ObjectReference, SecretObjectReference } from "../../crds/types/gateway-api/common.js";
import type { TlsSecret } from "../model/model.js";
import { secretName as sdsSecretName, shortHash } from "../model/names.js";
import { validateCaBundle, validateTlsSecret, type TlsSecretValidator } from "../secrets/tls-secret-validation.js";
import { quote } from "../store/conditions.js";
import type { DependencySet, GatewayObjects } from "./objects.js";
import { referencePermitted, type ReferenceFrom } from "./reference-grants.js";

/** A resolved reference: a model secret, or the reason (a Gateway API reason for the caller's condition) and message. */
export type RefResolution = { readonly ok: true; readonly secret: TlsSecret } | { readonly ok: false; readonly reason: "InvalidKind" | "RefNotPermitted" | "NotFound" | "Invalid"; readonly message: string };

/** What resolving a reference needs. */
export interface RefContext {
  readonly objects: GatewayObjects;
  readonly deps: DependencySet;
  /** The referring object (a Gateway or ListenerSet), for ReferenceGrant checks. */
  readonly from: ReferenceFrom;
  readonly validateTlsSecret?: TlsSecretValidator;
}

/**
 * Resolves a certificateRef (a core Secret of type kubernetes.io/tls), checking in the spec's order:
 * kind, ReferenceGrant for another namespace, existence, content. `field` names it in messages.
 */
export function resolveCertificateRef(ctx: RefContext, ref: SecretObjectReference, field: string): RefResolution {
  const group = ref.group ?? "";
  const kind = ref.kind ?? "Secret";
  if (group !== "" || kind !== "Secret") return { ok: false, reason: "InvalidKind", message: `${field}: ${quote(`${group}/${kind}`)} is not supported; only core Secrets are` };
  const namespace = ref.namespace ?? ctx.from.namespace;
  const shown = quote(`${namespace}/${ref.name}`, 128);
  if (!referencePermitted(ctx.objects, ctx.deps, ctx.from, { group: "", kind: "Secret", namespace, name: ref.name })) {
    return { ok: false, reason: "RefNotPermitted", message: `${field}: Secret ${shown} is in another namespace and no ReferenceGrant permits it` };
  }
  ctx.deps.add("Secret", namespace, ref.name);
  const secret = ctx.objects.get<V1Secret>("Secret", namespace, ref.name);
  if (secret === undefined) return { ok: false, reason: "NotFound", message: `${field}: Secret ${shown} not found` };
  const valid = (ctx.validateTlsSecret ?? validateTlsSecret)(secret);
  if (!valid.ok) return { ok: false, reason: "Invalid", message: `${field}: Secret ${shown} ${valid.error}` };
  return {
    ok: true,
    secret: {
      name: sdsSecretName(namespace, ref.name, shortHash(valid.value)),
      source: { kind: "Secret", namespace, name: ref.name },
      certificateChain: valid.value.certificateChain,
      privateKey: valid.value.privateKey,
    },
  };
}

/**
 * Resolves a CA certificate reference (a core ConfigMap or Secret holding ca.crt): kind, then
 * ReferenceGrant, then existence and content. Secrets are accepted too, as Envoy Gateway does.
 */
export function resolveCaCertificateRef(ctx: RefContext, ref: ObjectReference, field: string): RefResolution {
  if (ref.group !== "" || (ref.kind !== "ConfigMap" && ref.kind !== "Secret")) {
    return { ok: false, reason: "InvalidKind", message: `${field}: ${quote(`${ref.group}/${ref.kind}`)} is not supported; only core ConfigMaps and Secrets are` };
  }
  const namespace = ref.namespace ?? ctx.from.namespace;
  const shown = quote(`${namespace}/${ref.name}`, 128);
  if (!referencePermitted(ctx.objects, ctx.deps, ctx.from, { group: "", kind: ref.kind, namespace, name: ref.name })) {
    return { ok: false, reason: "RefNotPermitted", message: `${field}: ${ref.kind} ${shown} is in another namespace and no ReferenceGrant permits it` };
  }
  return lookupCaBundle(ctx, ref.kind, namespace, ref.name, field);
}

/** The ca.crt of a ConfigMap or Secret as a model CA secret, or why not; a dependency either way. */
export function lookupCaBundle(ctx: Pick<RefContext, "objects" | "deps">, kind: "ConfigMap" | "Secret", namespace: string, name: string, field: string): RefResolution {
  ctx.deps.add(kind, namespace, name);
  const shown = quote(`${namespace}/${name}`, 128);
  const obj = ctx.objects.get<V1ConfigMap | V1Secret>(kind, namespace, name);
  if (obj === undefined) return { ok: false, reason: "NotFound", message: `${field}: ${kind} ${shown} not found` };
  // A ConfigMap holds text; a Secret base64. validateCaBundle reads base64, so ConfigMap text is encoded first.
  const data = kind === "ConfigMap" ? Buffer.from((obj as V1ConfigMap).data?.["ca.crt"] ?? "", "utf8").toString("base64") : (obj as V1Secret).data?.["ca.crt"];
  const valid = validateCaBundle({ data: { "ca.crt": data ?? "" } });
  if (!valid.ok) return { ok: false, reason: "Invalid", message: `${field}: ${kind} ${shown} ${valid.error}` };
  return { ok: true, secret: { name: sdsSecretName(namespace, name, shortHash({ ca: valid.pem })), source: { kind, namespace, name }, caCertificate: valid.pem } };
}
