/**
 * SDS secrets: certificates with their keys for TLS hosts, CA bundles for client and upstream
 * validation. Listeners and clusters refer to them by name only, so a certificate rotation is one
 * small SDS update rather than a listener rebuild.
 */
import { create } from "@bufbuild/protobuf";
import type { Secret } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import { SecretSchema } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import type { TlsSecret } from "../../controllers/model/model.js";
import { inlineString, sortedBy } from "./proto.js";

/**
 * The Envoy secret of one model secret: a certificate and key when both are present, else a CA
 * bundle. A secret with neither keeps its name (so references stay resolvable) and no content.
 */
export function translateSecret(secret: TlsSecret): Secret {
  if (secret.certificateChain !== undefined && secret.privateKey !== undefined) {
    return create(SecretSchema, {
      name: secret.name,
      type: { case: "tlsCertificate", value: { certificateChain: inlineString(secret.certificateChain), privateKey: inlineString(secret.privateKey) } },
    });
  }
  if (secret.caCertificate !== undefined) {
    return create(SecretSchema, { name: secret.name, type: { case: "validationContext", value: { trustedCa: inlineString(secret.caCertificate) } } });
  }
  return create(SecretSchema, { name: secret.name });
}

/** Every secret, sorted by name, each name once. */
export function translateSecrets(secrets: readonly TlsSecret[], translateOne: (secret: TlsSecret) => Secret = translateSecret): Secret[] {
  const unique = new Map<string, TlsSecret>();
  for (const s of secrets) if (!unique.has(s.name)) unique.set(s.name, s);
  return sortedBy([...unique.values()], (s) => s.name).map(translateOne);
}
