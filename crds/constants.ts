// Names of the projectcontour.io/v1 API: group, version, kinds, plurals. One place for all of them.

/** The API group of Contour's kinds. */
export const GROUP = "projectcontour.io";
/** The only version of the API. */
export const VERSION = "v1";
/** apiVersion of HTTPProxy and TLSCertificateDelegation objects. */
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Kind of an HTTPProxy. */
export const HTTPPROXY_KIND = "HTTPProxy";
/** Kind of a list of HTTPProxies. */
export const HTTPPROXY_LIST_KIND = "HTTPProxyList";
/** Resource name of HTTPProxies (the URL path segment). */
export const HTTPPROXY_PLURAL = "httpproxies";
/** Singular resource name (kubectl get httpproxy). */
export const HTTPPROXY_SINGULAR = "httpproxy";
/** kubectl short names of HTTPProxy. */
export const HTTPPROXY_SHORT_NAMES = ["proxy", "proxies"] as const;
/** Name of the HTTPProxy CRD. */
export const HTTPPROXY_CRD_NAME = `${HTTPPROXY_PLURAL}.${GROUP}`;

/** Kind of a TLSCertificateDelegation. */
export const TLS_CERTIFICATE_DELEGATION_KIND = "TLSCertificateDelegation";
/** Kind of a list of TLSCertificateDelegations. */
export const TLS_CERTIFICATE_DELEGATION_LIST_KIND = "TLSCertificateDelegationList";
/** Resource name of TLSCertificateDelegations. */
export const TLS_CERTIFICATE_DELEGATION_PLURAL = "tlscertificatedelegations";
/** Singular resource name. */
export const TLS_CERTIFICATE_DELEGATION_SINGULAR = "tlscertificatedelegation";
/** kubectl short names of TLSCertificateDelegation. */
export const TLS_CERTIFICATE_DELEGATION_SHORT_NAMES = ["tlscerts"] as const;
/** Name of the TLSCertificateDelegation CRD. */
export const TLS_CERTIFICATE_DELEGATION_CRD_NAME = `${TLS_CERTIFICATE_DELEGATION_PLURAL}.${GROUP}`;

/** The version of the ExtensionService API (upstream keeps it in v1alpha1). */
export const VERSION_V1ALPHA1 = "v1alpha1";
/** apiVersion of ExtensionService objects. */
export const API_VERSION_V1ALPHA1 = `${GROUP}/${VERSION_V1ALPHA1}`;
/** Kind of an ExtensionService. */
export const EXTENSION_SERVICE_KIND = "ExtensionService";
/** Kind of a list of ExtensionServices. */
export const EXTENSION_SERVICE_LIST_KIND = "ExtensionServiceList";
/** Resource name of ExtensionServices. */
export const EXTENSION_SERVICE_PLURAL = "extensionservices";
/** Singular resource name. */
export const EXTENSION_SERVICE_SINGULAR = "extensionservice";
/** kubectl short names of ExtensionService (upstream's, odd as they are). */
export const EXTENSION_SERVICE_SHORT_NAMES = ["extensionservice", "extensionservices"] as const;
/** Name of the ExtensionService CRD. */
export const EXTENSION_SERVICE_CRD_NAME = `${EXTENSION_SERVICE_PLURAL}.${GROUP}`;

/** Kind of a ContourConfiguration (projectcontour.io/v1alpha1). */
export const CONTOUR_CONFIGURATION_KIND = "ContourConfiguration";
/** Kind of a list of ContourConfigurations. */
export const CONTOUR_CONFIGURATION_LIST_KIND = "ContourConfigurationList";
/** Resource name of ContourConfigurations. */
export const CONTOUR_CONFIGURATION_PLURAL = "contourconfigurations";
/** Singular resource name. */
export const CONTOUR_CONFIGURATION_SINGULAR = "contourconfiguration";
/** kubectl short names of ContourConfiguration. */
export const CONTOUR_CONFIGURATION_SHORT_NAMES = ["contourconfig"] as const;
/** Name of the ContourConfiguration CRD. */
export const CONTOUR_CONFIGURATION_CRD_NAME = `${CONTOUR_CONFIGURATION_PLURAL}.${GROUP}`;
