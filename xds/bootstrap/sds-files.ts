// `contour bootstrap --resources-dir`: the xDS client certificate and CA as SDS resource files (the
// files upstream writes), so Envoy reloads rotated certificates without a restart.
import type { JsonObject } from "@bufbuild/protobuf";
import type { XdsTlsFiles } from "./options.js";

/** Subdirectory of the resources dir holding the SDS files. */
export const SDS_SUBDIRECTORY = "sds";
/** File and secret name of Envoy's client certificate and key. */
export const SDS_TLS_CERTIFICATE = { file: "xds-tls-certificate.json", secret: "contour_xds_tls_certificate" } as const;
/** File and secret name of the CA (and SAN check) that contour's certificate must pass. */
export const SDS_VALIDATION_CONTEXT = { file: "xds-validation-context.json", secret: "contour_xds_tls_validation_context" } as const;

/** Paths of the two SDS files under `resourcesDir`. */
export function sdsFilePaths(resourcesDir: string): { certificate: string; validationContext: string } {
  const dir = `${resourcesDir.replace(/\/+$/, "")}/${SDS_SUBDIRECTORY}`;
  return { certificate: `${dir}/${SDS_TLS_CERTIFICATE.file}`, validationContext: `${dir}/${SDS_VALIDATION_CONTEXT.file}` };
}

const SECRET_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

/** The two files' contents: each a DiscoveryResponse holding one Secret, as Envoy's path config source reads it. */
export function buildSdsFiles(tls: XdsTlsFiles): { certificate: JsonObject; validationContext: JsonObject } {
  return {
    certificate: {
      resources: [
        {
          "@type": SECRET_TYPE,
          name: SDS_TLS_CERTIFICATE.secret,
          tls_certificate: { certificate_chain: { filename: tls.certFile }, private_key: { filename: tls.keyFile } },
        },
      ],
    },
    validationContext: {
      resources: [
        {
          "@type": SECRET_TYPE,
          name: SDS_VALIDATION_CONTEXT.secret,
          validation_context: {
            trusted_ca: { filename: tls.caFile },
            // The CA also signs Envoy's own client certificates: without a SAN check any Envoy could pose as contour.
            match_typed_subject_alt_names: [{ san_type: "DNS", matcher: { exact: tls.serverName } }],
          },
        },
      ],
    },
  };
}

/** An SDS config source reading one of the files above. */
export function sdsFromFile(name: string, path: string): JsonObject {
  return { name, sds_config: { resource_api_version: "V3", path_config_source: { path } } };
}
