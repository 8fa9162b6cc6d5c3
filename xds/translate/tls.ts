/**
 * TLS transport sockets: the downstream context of secure virtual hosts and terminated TCP proxies
 * (certificate and CA delivered over SDS by name), and the upstream context of TLS clusters.
 */
import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { TransportSocket } from "../gen/envoy/config/core/v3/base_pb.js";
import { TransportSocketSchema } from "../gen/envoy/config/core/v3/base_pb.js";
import {
  CertificateValidationContext_TrustChainVerification,
  SubjectAltNameMatcher_SanType,
  TlsParameters_TlsProtocol,
} from "../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import type { SdsSecretConfigSchema } from "../gen/envoy/extensions/transport_sockets/tls/v3/secret_pb.js";
import type { CommonTlsContextSchema } from "../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { DownstreamTlsContextSchema, UpstreamTlsContextSchema } from "../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import type { Cluster, VirtualHostTls } from "../../controllers/model/model.js";
import { EnvoyExtension } from "../names.js";
import type { ResolvedOptions, UpstreamTlsOptions } from "./options.js";
import { adsConfigSource, inlineString, typed } from "./proto.js";

/** ALPN of secure HTTP hosts: HTTP/2 preferred, HTTP/1.1 accepted. */
export const HTTP_ALPN: readonly string[] = ["h2", "http/1.1"];

/**
 * Cipher suites for TLS 1.2 (1.3 suites are not configurable in BoringSSL): upstream Contour's
 * default, forward-secret AEAD suites only, ECDSA and ChaCha preferred by equivalence group.
 */
const CIPHER_SUITES: readonly string[] = [
  "[ECDHE-ECDSA-AES128-GCM-SHA256|ECDHE-ECDSA-CHACHA20-POLY1305]",
  "[ECDHE-RSA-AES128-GCM-SHA256|ECDHE-RSA-CHACHA20-POLY1305]",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
];

type CommonTlsContextInit = MessageInitShape<typeof CommonTlsContextSchema>;

function tlsVersion(version: "1.2" | "1.3"): TlsParameters_TlsProtocol {
  return version === "1.3" ? TlsParameters_TlsProtocol.TLSv1_3 : TlsParameters_TlsProtocol.TLSv1_2;
}

/** A reference to a secret on the ADS stream: the secret itself travels as its own SDS resource. */
function sdsSecret(name: string): MessageInitShape<typeof SdsSecretConfigSchema> {
  return { name, sdsConfig: adsConfigSource() };
}

/** The downstream validation part of a CommonTlsContext; undefined when clients are not validated. */
function clientValidationContext(validation: NonNullable<VirtualHostTls["clientValidation"]>): CommonTlsContextInit["validationContextType"] {
  const { caSecret, skipVerification, crl } = validation;
  // The CRL travels inline beside the CA from SDS, as upstream inlines it: Envoy merges the two contexts.
  const revocation = crl === undefined ? {} : { crl: inlineString(crl.pem), onlyVerifyLeafCertCrl: crl.onlyLeaf };
  if (caSecret !== undefined && !skipVerification && crl !== undefined) {
    return { case: "combinedValidationContext", value: { defaultValidationContext: revocation, validationContextSdsSecretConfig: sdsSecret(caSecret) } };
  }
  if (caSecret !== undefined && !skipVerification) return { case: "validationContextSdsSecretConfig", value: sdsSecret(caSecret) };
  // Skipping verification still asks for (and forwards) a certificate; it is just not checked.
  const acceptUntrusted = { trustChainVerification: CertificateValidationContext_TrustChainVerification.ACCEPT_UNTRUSTED, ...revocation };
  if (caSecret !== undefined) {
    return { case: "combinedValidationContext", value: { defaultValidationContext: acceptUntrusted, validationContextSdsSecretConfig: sdsSecret(caSecret) } };
  }
  if (skipVerification) return { case: "validationContext", value: acceptUntrusted };
  return undefined;
}

/** The config file's TLS settings for every secure host (upstream's `tls.*` keys). */
export type DownstreamTlsDefaults = Pick<ResolvedOptions, "tlsMinimumProtocolVersion" | "tlsMaximumProtocolVersion" | "tlsCipherSuites">;

const TLS_DEFAULTS: DownstreamTlsDefaults = { tlsMinimumProtocolVersion: "1.2", tlsMaximumProtocolVersion: "1.3", tlsCipherSuites: null };

/** The envoy.transport_sockets.tls socket terminating TLS for a secure host or TCP proxy. */
export function downstreamTlsSocket(tls: VirtualHostTls, alpnProtocols: readonly string[], defaults: DownstreamTlsDefaults = TLS_DEFAULTS): TransportSocket {
  // The operator's range bounds every host's: a host may narrow it, never widen it.
  const min = Math.max(tlsVersion(tls.minimumProtocolVersion), tlsVersion(defaults.tlsMinimumProtocolVersion)) as TlsParameters_TlsProtocol;
  const hostMax = Math.min(tlsVersion(tls.maximumProtocolVersion), tlsVersion(defaults.tlsMaximumProtocolVersion));
  // A maximum below the minimum is a contradiction Envoy rejects; the minimum is the safer reading.
  const max = Math.max(min, hostMax) as TlsParameters_TlsProtocol;
  const cipherSuites = defaults.tlsCipherSuites ?? CIPHER_SUITES;
  const validation = tls.clientValidation === undefined ? undefined : clientValidationContext(tls.clientValidation);
  const common: CommonTlsContextInit = {
    tlsParams: { tlsMinimumProtocolVersion: min, tlsMaximumProtocolVersion: max, cipherSuites: [...cipherSuites] },
    // Several certificates in one context: Envoy chooses by SNI (names in each certificate), then key type.
    tlsCertificateSdsSecretConfigs: [tls.secret, ...(tls.additionalSecrets ?? [])].map(sdsSecret),
    alpnProtocols: [...alpnProtocols],
    ...(validation === undefined ? {} : { validationContextType: validation }),
  };
  // Said explicitly either way whenever clients are validated: Envoy warns that its implicit
  // default (not required) is deprecated and will change.
  const context = typed(DownstreamTlsContextSchema, {
    commonTlsContext: common,
    ...(validation === undefined ? {} : { requireClientCertificate: tls.clientValidation?.optional !== true }),
  });
  return create(TransportSocketSchema, { name: EnvoyExtension.tlsTransportSocket, configType: { case: "typedConfig", value: context } });
}

/**
 * The TLS socket of an upstream cluster (protocol "tls" or "h2"), verifying the backend's
 * certificate against a CA secret and its subject name when upstream validation is configured.
 */
export function upstreamTlsSocket(cluster: Pick<Cluster, "upstreamValidation" | "sni" | "clientCertificate">, alpnProtocols: readonly string[], upstreamTls: UpstreamTlsOptions | null = null): TransportSocket {
  const validation = cluster.upstreamValidation;
  const common: CommonTlsContextInit = {
    alpnProtocols: [...alpnProtocols],
    ...(cluster.clientCertificate === undefined ? {} : { tlsCertificateSdsSecretConfigs: [sdsSecret(cluster.clientCertificate)] }),
    // Only when configured: Envoy's client defaults (TLS 1.2 to 1.3) are upstream's too.
    ...(upstreamTls === null
      ? {}
      : {
          tlsParams: {
            tlsMinimumProtocolVersion: tlsVersion(upstreamTls.minimumProtocolVersion ?? "1.2"),
            tlsMaximumProtocolVersion: tlsVersion(upstreamTls.maximumProtocolVersion ?? "1.3"),
            cipherSuites: [...(upstreamTls.cipherSuites ?? [])],
          },
        }),
    ...(validation === undefined
      ? {}
      : {
          validationContextType: {
            case: "combinedValidationContext",
            value: {
              defaultValidationContext: {
                // Any one of the names will do (subjectNames; absent: subjectName alone).
                matchTypedSubjectAltNames: (validation.subjectNames ?? [validation.subjectName]).map((name) => ({
                  sanType: SubjectAltNameMatcher_SanType.DNS,
                  matcher: { matchPattern: { case: "exact" as const, value: name } },
                })),
              },
              validationContextSdsSecretConfig: sdsSecret(validation.caSecret),
            },
          },
        }),
  };
  const context = typed(UpstreamTlsContextSchema, { commonTlsContext: common, sni: cluster.sni ?? "" });
  return create(TransportSocketSchema, { name: EnvoyExtension.tlsTransportSocket, configType: { case: "typedConfig", value: context } });
}
