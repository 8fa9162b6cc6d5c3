/** Fixture builders for HTTPProxy tests: only what a test cares about, the rest defaulted. */
import type { HTTPProxy, HTTPProxySpec, HTTPProxyService, Include, MatchCondition, Route, VirtualHost } from "../../../crds/types/httpproxy.js";
import type { TLSCertificateDelegation } from "../../../crds/types/tlscertificatedelegation.js";
import type { MetaOptions } from "../../source/testdata/fixtures.js";

/** Metadata options of proxies. */
export interface ProxyMeta extends MetaOptions {
  readonly generation?: number;
}

/** An HTTPProxy (projectcontour.io/v1). */
export function httpProxy(name: string, spec: HTTPProxySpec, o: ProxyMeta = {}): HTTPProxy {
  return {
    apiVersion: "projectcontour.io/v1",
    kind: "HTTPProxy",
    metadata: {
      name,
      namespace: o.namespace ?? "default",
      ...(o.annotations !== undefined ? { annotations: o.annotations } : {}),
      ...(o.resourceVersion !== undefined ? { resourceVersion: o.resourceVersion } : {}),
      ...(o.generation !== undefined ? { generation: o.generation } : {}),
    },
    spec,
  };
}

/** A root HTTPProxy: a virtual host and the rest of the spec. */
export function rootProxy(name: string, fqdn: string, spec: Omit<HTTPProxySpec, "virtualhost"> & { readonly vhost?: Omit<VirtualHost, "fqdn"> }, o: ProxyMeta = {}): HTTPProxy {
  const { vhost, ...rest } = spec;
  return httpProxy(name, { virtualhost: { fqdn, ...vhost }, ...rest }, o);
}

/** A service entry. */
export function to(name: string, port: number, extra: Partial<HTTPProxyService> = {}): HTTPProxyService {
  return { name, port, ...extra };
}

/** A route under a prefix (undefined: no conditions) to services. */
export function prefixRoute(prefix: string | undefined, services: HTTPProxyService[], extra: Partial<Route> = {}): Route {
  return { ...(prefix !== undefined ? { conditions: [{ prefix }] } : {}), services, ...extra };
}

/** An include, optionally under a prefix and in another namespace. */
export function include(name: string, prefix?: string, namespace?: string, conditions: MatchCondition[] = []): Include {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(prefix !== undefined || conditions.length > 0 ? { conditions: [...(prefix !== undefined ? [{ prefix }] : []), ...conditions] } : {}),
  };
}

/** A TLSCertificateDelegation typed as the CRD is. */
export function delegation(name: string, namespace: string, delegations: { secretName: string; targetNamespaces: string[] }[]): TLSCertificateDelegation {
  return { apiVersion: "projectcontour.io/v1", kind: "TLSCertificateDelegation", metadata: { name, namespace }, spec: { delegations } };
}
