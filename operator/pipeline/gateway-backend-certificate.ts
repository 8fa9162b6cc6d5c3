// A Gateway's backend client certificate (spec.tls.backend.clientCertificateRef) on the TLS clusters
// its routes reach. Clusters are shared by every Gateway whose routes name the same Service port, and
// each Gateway may present another certificate, so a Gateway with one gets its own variant of each
// BackendTLSPolicy cluster, its name suffixed with a hash of the certificate, and its routes are
// pointed at the variants. Gateways without a certificate keep the plain clusters.
import { serviceClusterName } from "../../controllers/model/cluster-name.js";
import type { Cluster, Route } from "../../controllers/model/model.js";

/** The variant of a BackendTLSPolicy cluster presenting `certificate` (a secret name). */
export function clientCertificateVariant(cluster: Cluster, certificate: string): Cluster {
  if (cluster.backendTls === undefined) return cluster;
  const { name: _name, ...settings } = cluster;
  const variant = { ...settings, backendTls: { ...cluster.backendTls, clientCertificate: certificate } };
  return { name: serviceClusterName(variant, ""), ...variant };
}

/**
 * The routes of a Gateway with a backend client certificate, forwarding (and mirroring) to the
 * certificate's variants of BackendTLSPolicy clusters; the variants are added to `variants`.
 * Without a certificate the routes are returned as they are.
 */
export function withBackendClientCertificate(routes: readonly Route[], certificate: string | undefined, clusters: ReadonlyMap<string, Cluster>, variants: Map<string, Cluster>): readonly Route[] {
  if (certificate === undefined) return routes;
  const swap = (name: string): string => {
    const c = clusters.get(name);
    if (c?.backendTls === undefined) return name;
    const v = clientCertificateVariant(c, certificate);
    variants.set(v.name, v);
    return v.name;
  };
  return routes.map((r) => {
    const a = r.action;
    if (a.kind !== "forward") return r;
    return {
      ...r,
      action: {
        ...a,
        clusters: a.clusters.map((w) => ({ ...w, cluster: swap(w.cluster) })),
        ...(a.mirror === undefined ? {} : { mirror: a.mirror.map((m) => ({ ...m, cluster: swap(m.cluster) })) }),
      },
    };
  });
}
