// What `contour bootstrap` can vary, with the defaults, and the checks that need no file system.
import { isIP } from "node:net";

/** Which ADS protocol Envoy speaks to contour: incremental (delta) or state-of-the-world. */
export type XdsMode = "delta" | "sotw";

/** Where Envoy's admin interface listens. */
export type AdminListener =
  | { readonly kind: "tcp"; readonly address: string; readonly port: number }
  | { readonly kind: "unix"; readonly path: string };

/** The files Envoy presents and trusts on its xDS connection to contour (paths as Envoy will see them). */
export interface XdsTlsFiles {
  /** PEM CA bundle that must have issued contour's serving certificate. */
  readonly caFile: string;
  /** PEM client certificate (chain) Envoy presents to contour. */
  readonly certFile: string;
  /** PEM private key of `certFile`. */
  readonly keyFile: string;
  /** SNI sent to contour and the DNS SAN its certificate must carry. */
  readonly serverName: string;
}

/** Everything the bootstrap depends on; build one with `bootstrapOptions()`. */
export interface BootstrapOptions {
  readonly nodeId: string;
  readonly nodeCluster: string;
  readonly admin: AdminListener;
  /** Host name or IP of contour's xDS server; an IP gives a STATIC cluster, a name STRICT_DNS. */
  readonly xdsAddress: string;
  readonly xdsPort: number;
  readonly xdsMode: XdsMode;
  /** mTLS files, or "insecure" for plaintext: required so plaintext is always a visible choice. */
  readonly xdsTls: XdsTlsFiles | "insecure";
  /** Where the static `stats-health` listener (/ready, /stats, /stats/prometheus) listens; none when undefined. */
  readonly statsListener?: { readonly address: string; readonly port: number } | undefined;
  /**
   * Directory (as Envoy sees it) holding the SDS files of the xDS client certificate and CA; when set,
   * the xDS cluster reads its TLS identity from there and Envoy reloads rotated certificates.
   */
  readonly resourcesDir?: string | undefined;
  /** DNS lookup family of the xDS cluster when `xdsAddress` is a name; undefined: IPv4 preferred. */
  readonly dnsLookupFamily?: DnsLookupFamily | undefined;
  /** Global cap on downstream connections; undefined: MAX_DOWNSTREAM_CONNECTIONS. */
  readonly maxDownstreamConnections?: number | undefined;
  /** Heap size at which the overload manager shrinks the heap and then stops accepting requests; none when undefined. */
  readonly maxHeapBytes?: number | undefined;
  /** Namespace contour runs in: part of the xDS cluster's alt_stat_name, as upstream names it. */
  readonly namespace?: string | undefined;
  /**
   * True: Envoy creates every cluster's traffic stats (`upstream_rq_*`, `upstream_cx_*`, ...) when the
   * cluster is added, as upstream's bootstrap leaves it. Default: on the cluster's first request
   * (Envoy's `deferred_stat_options`), so a cluster no request has reached has none of them yet.
   */
  readonly eagerClusterStats?: boolean | undefined;
}

/** Upstream's `--dns-lookup-family` values. */
export type DnsLookupFamily = "auto" | "v4" | "v6" | "all";

/** Defaults of every option but `xdsTls`, matching the CLI flag defaults. */
export const BOOTSTRAP_DEFAULTS = {
  nodeId: "envoy",
  nodeCluster: "contour",
  admin: { kind: "tcp", address: "127.0.0.1", port: 9001 },
  xdsAddress: "127.0.0.1",
  xdsPort: 8001,
  xdsMode: "delta",
} as const satisfies Omit<BootstrapOptions, "xdsTls">;

/** The default `serverName` of `XdsTlsFiles`: the first DNS SAN `contour certgen` puts on contour's certificate. */
export const DEFAULT_XDS_SERVER_NAME = "contour";

/** Complete options from the given ones and the defaults. */
export function bootstrapOptions(options: Partial<BootstrapOptions> & Pick<BootstrapOptions, "xdsTls">): BootstrapOptions {
  return { ...BOOTSTRAP_DEFAULTS, ...options };
}

// sun_path is 108 bytes on Linux including the terminating NUL.
const MAX_UNIX_SOCKET_PATH_BYTES = 107;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\.?$/i;

/** Problems with the options that would make Envoy reject the bootstrap, one message per problem (empty when valid). */
export function validateBootstrapOptions(options: BootstrapOptions): string[] {
  const problems: string[] = [];
  if (options.nodeId.trim() === "") problems.push("node id must not be empty");
  if (options.nodeCluster.trim() === "") problems.push("node cluster must not be empty");
  if (!isHost(options.xdsAddress)) problems.push(`xds address "${options.xdsAddress}" is neither an IP address nor a DNS name`);
  checkPort(problems, "xds port", options.xdsPort);
  if (options.admin.kind === "tcp") {
    if (isIP(options.admin.address) === 0) problems.push(`admin address "${options.admin.address}" must be an IP address`);
    checkPort(problems, "admin port", options.admin.port);
  } else if (options.admin.path === "") {
    problems.push("admin socket path must not be empty");
  } else if (Buffer.byteLength(options.admin.path) > MAX_UNIX_SOCKET_PATH_BYTES) {
    problems.push(`admin socket path is longer than ${MAX_UNIX_SOCKET_PATH_BYTES} bytes`);
  }
  if (options.statsListener !== undefined) {
    if (isIP(options.statsListener.address) === 0) problems.push(`stats address "${options.statsListener.address}" must be an IP address`);
    checkPort(problems, "stats port", options.statsListener.port);
  }
  if (options.resourcesDir !== undefined && options.xdsTls === "insecure") problems.push("a resources dir holds TLS files: it needs xDS TLS");
  if (options.maxDownstreamConnections !== undefined && !(Number.isInteger(options.maxDownstreamConnections) && options.maxDownstreamConnections >= 0)) {
    problems.push(`downstream connection limit ${options.maxDownstreamConnections} must be a whole number >= 0`);
  }
  if (options.maxHeapBytes !== undefined && !(Number.isInteger(options.maxHeapBytes) && options.maxHeapBytes > 0)) problems.push(`max heap ${options.maxHeapBytes} must be a whole number of bytes`);
  if (options.xdsTls !== "insecure") {
    const tls = options.xdsTls;
    for (const [what, path] of [["CA file", tls.caFile], ["certificate file", tls.certFile], ["key file", tls.keyFile]] as const) {
      if (path === "") problems.push(`xds ${what} must not be empty`);
    }
    if (!DNS_NAME.test(tls.serverName)) problems.push(`xds server name "${tls.serverName}" is not a DNS name`);
  }
  return problems;
}

function isHost(address: string): boolean {
  return isIP(address) !== 0 || DNS_NAME.test(address);
}

function checkPort(problems: string[], what: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`${what} ${port} is not in 1-65535`);
}
