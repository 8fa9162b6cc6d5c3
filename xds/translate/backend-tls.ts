/**
 * TLS to a backend as a Gateway API BackendTLSPolicy asks (Cluster.backendTls): the policy's
 * hostname as SNI, the backend's certificate checked against the policy's CA (an SDS CA secret) or
 * the system trust store, its names against subjectAltNames (the hostname when there are none), and
 * the Gateway's client certificate presented when it has one.
 */
import { create } from "@bufbuild/protobuf";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { TransportSocket } from "../gen/envoy/config/core/v3/base_pb.js";
import { TransportSocketSchema } from "../gen/envoy/config/core/v3/base_pb.js";
import { SubjectAltNameMatcher_SanType, type CertificateValidationContextSchema } from "../gen/envoy/extensions/transport_sockets/tls/v3/common_pb.js";
import { UpstreamTlsContextSchema } from "../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import type { Cluster } from "../../controllers/model/model.js";
import { EnvoyExtension } from "../names.js";
import { adsConfigSource, typed } from "./proto.js";

type BackendTls = NonNullable<Cluster["backendTls"]>;

/** The system CA bundle of Debian-based images (Envoy's distroless image among them), Alpine and Ubuntu alike. */
export const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
type ValidationInit = MessageInitShape<typeof CertificateValidationContextSchema>;

/** The names the backend's certificate must hold: the policy's subjectAltNames, else its hostname. */
function sanMatchers(tls: BackendTls): NonNullable<ValidationInit["matchTypedSubjectAltNames"]> {
  const sans = tls.subjectAltNames.length > 0 ? tls.subjectAltNames : [{ type: "Hostname" as const, value: tls.sni }];
  return sans.map((s) => ({
    sanType: s.type === "URI" ? SubjectAltNameMatcher_SanType.URI : SubjectAltNameMatcher_SanType.DNS,
    matcher: { matchPattern: { case: "exact", value: s.value } },
  }));
}

/** The upstream TLS socket of a cluster governed by a BackendTLSPolicy; alpn as the cluster's protocol needs. */
export function backendTlsSocket(tls: BackendTls, alpnProtocols: readonly string[]): TransportSocket {
  const names = sanMatchers(tls);
  const validationContextType: NonNullable<MessageInitShape<typeof UpstreamTlsContextSchema>["commonTlsContext"]>["validationContextType"] =
    tls.caSecret !== undefined && !tls.systemCa
      ? {
          case: "combinedValidationContext",
          value: { defaultValidationContext: { matchTypedSubjectAltNames: names }, validationContextSdsSecretConfig: { name: tls.caSecret, sdsConfig: adsConfigSource() } },
        }
      : // wellKnownCACertificates: System is the trust store of the machine Envoy runs on, as a
        // file: Envoy refuses SAN matching with system_root_certs ("without trusted CA").
        { case: "validationContext", value: { trustedCa: { specifier: { case: "filename", value: SYSTEM_CA_BUNDLE } }, matchTypedSubjectAltNames: names } };
  const context = typed(UpstreamTlsContextSchema, {
    sni: tls.sni,
    commonTlsContext: {
      alpnProtocols: [...alpnProtocols],
      validationContextType,
      ...(tls.clientCertificate === undefined ? {} : { tlsCertificateSdsSecretConfigs: [{ name: tls.clientCertificate, sdsConfig: adsConfigSource() }] }),
    },
  });
  return create(TransportSocketSchema, { name: EnvoyExtension.tlsTransportSocket, configType: { case: "typedConfig", value: context } });
}
