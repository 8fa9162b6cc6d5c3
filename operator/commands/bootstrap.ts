// `contour bootstrap <path>`: flags in, Envoy bootstrap JSON out (plus the SDS files with
// --resources-dir). Upstream Contour v1.33's flags and environment variables work as they are; ours
// (--xds-ca-file, --admin-socket, ...) stay as aliases. The bootstrap itself is built by xds/bootstrap.
import { constants } from "node:fs";
import { access, mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { dirname } from "node:path";
import {
  BOOTSTRAP_DEFAULTS,
  DEFAULT_XDS_SERVER_NAME,
  buildSdsFiles,
  renderBootstrap,
  sdsFilePaths,
  validateBootstrapOptions,
  type AdminListener,
  type BootstrapOptions,
  type DnsLookupFamily,
  type XdsTlsFiles,
} from "../../xds/bootstrap/index.js";
import { parseCommandFlags, type FlagSpec } from "./flags.js";

/** Where upstream's Envoy pods keep the admin socket (an emptyDir shared with the shutdown manager). */
export const DEFAULT_ADMIN_SOCKET = "/admin/admin.sock";

const FLAGS = {
  "admin-address": { type: "string" },
  "admin-port": { type: "string" },
  "admin-socket": { type: "string" },
  "dns-lookup-family": { type: "string" },
  "envoy-cafile": { type: "string", env: "ENVOY_CAFILE" },
  "envoy-cert-file": { type: "string", env: "ENVOY_CERT_FILE" },
  "envoy-key-file": { type: "string", env: "ENVOY_KEY_FILE" },
  "xds-ca-file": { type: "string" },
  "xds-cert-file": { type: "string" },
  "xds-key-file": { type: "string" },
  "xds-server-name": { type: "string" },
  insecure: { type: "boolean" },
  "eager-cluster-stats": { type: "boolean" },
  namespace: { type: "string", env: "CONTOUR_NAMESPACE" },
  "node-id": { type: "string" },
  "node-cluster": { type: "string" },
  "overload-downstream-max-conn": { type: "string" },
  "overload-max-heap": { type: "string" },
  "resources-dir": { type: "string" },
  "stats-address": { type: "string" },
  "stats-port": { type: "string" },
  "xds-address": { type: "string" },
  "xds-port": { type: "string" },
  "xds-mode": { type: "string" },
  "xds-resource-version": { type: "string" },
  "log-format": { type: "string" },
} as const satisfies Record<string, FlagSpec>;

const USAGE = `usage: contour bootstrap <path> [flags]

Writes the Envoy bootstrap (JSON) that points Envoy at contour's xDS server to <path> ("-": stdout).

flags (upstream Contour's names first; ours in brackets are aliases):
  --admin-address PATH|IP        admin interface: a unix socket path (default ${DEFAULT_ADMIN_SOCKET}), or an IP
                                 address with --admin-port [--admin-socket PATH]
  --admin-port PORT              admin port when --admin-address is an IP, or alone for 127.0.0.1 (default ${BOOTSTRAP_DEFAULTS.admin.port})
  --dns-lookup-family FAMILY     v4, v6, auto or all, for a --xds-address that is a name (default: IPv4 preferred)
  --envoy-cafile PATH [$ENVOY_CAFILE]       CA that issued contour's certificate [--xds-ca-file]
  --envoy-cert-file PATH [$ENVOY_CERT_FILE] client certificate Envoy presents to contour [--xds-cert-file]
  --envoy-key-file PATH [$ENVOY_KEY_FILE]   key of --envoy-cert-file [--xds-key-file]
                                 none of the three: plaintext xDS (as upstream; say --insecure to silence the warning)
  --namespace NS [$CONTOUR_NAMESPACE]       namespace of contour, in the xDS cluster's stat name (default projectcontour)
  --overload-downstream-max-conn N          global downstream connection limit (default 50000; 0: none)
  --overload-max-heap BYTES      heap size at which Envoy shrinks its heap, then stops accepting requests (default: none)
  --resources-dir DIR            write the xDS TLS identity as SDS files under DIR/sds/, which Envoy reloads on rotation
  --stats-port PORT              a static stats-health listener (/ready, /stats, /stats/prometheus) on this port (ours; default
                                 none: contour serve sends it over LDS from metrics.envoy, as upstream, so it must not clash)
  --stats-address IP             its address (default 0.0.0.0)
  --xds-address HOST             IP or DNS name of contour's xDS server (default ${BOOTSTRAP_DEFAULTS.xdsAddress})
  --xds-port PORT                port of contour's xDS server (default ${BOOTSTRAP_DEFAULTS.xdsPort})
  --xds-resource-version v3      the only xDS version there is (default v3)
  --xds-mode MODE                ADS flavour: delta or sotw (default ${BOOTSTRAP_DEFAULTS.xdsMode})
  --xds-server-name NAME         SNI sent to contour and DNS SAN its certificate must carry (default "${DEFAULT_XDS_SERVER_NAME}")
  --insecure                     plaintext xDS, no TLS (excludes the TLS file flags)
  --eager-cluster-stats          create every cluster's traffic stats (upstream_rq_*, upstream_cx_*, ...) when the
                                 cluster is added, as upstream does (ours; default: on its first request, which
                                 halves the time Envoy takes to apply many clusters)
  --node-id ID                   node id (default "${BOOTSTRAP_DEFAULTS.nodeId}"; Envoy's --service-node overrides it)
  --node-cluster NAME            node cluster (default "${BOOTSTRAP_DEFAULTS.nodeCluster}"; Envoy's --service-cluster overrides it)
  --log-format text|json         accepted for upstream's command lines; this command logs only errors
  -h, --help                     print this help
`;

/** Where the command prints: the process streams in the CLI, buffers in tests. */
export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The outcome of parsing the command line: print help, report usage errors, or write `options` to `path`. */
export type BootstrapArgs =
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "run"; readonly path: string; readonly options: BootstrapOptions; readonly warnings: readonly string[] };

type Values = Record<string, string | boolean | string[] | undefined>;
const str = (values: Values, name: string): string | undefined => (typeof values[name] === "string" ? (values[name] as string) : undefined);

/** Parses and checks the flags without touching the file system; every problem is reported at once. */
export function parseBootstrapArgs(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): BootstrapArgs {
  const { values, positionals, errors } = parseCommandFlags(args, FLAGS, env);
  if (values["help"] === true) return { kind: "help" };
  const warnings: string[] = [];
  if (positionals.length !== 1) {
    errors.push(positionals.length === 0 ? "missing <path> (use - for stdout)" : `expected one <path>, got ${positionals.length}: ${positionals.join(" ")}`);
  }
  const version = str(values, "xds-resource-version") ?? "v3";
  if (version !== "v3") errors.push(`--xds-resource-version: invalid xDS version "${version}" (only v3 exists)`);
  const xdsPort = parsePort(errors, "--xds-port", str(values, "xds-port"), BOOTSTRAP_DEFAULTS.xdsPort);
  const admin = parseAdmin(errors, values);
  const mode = str(values, "xds-mode") ?? BOOTSTRAP_DEFAULTS.xdsMode;
  if (mode !== "delta" && mode !== "sotw") errors.push(`--xds-mode must be delta or sotw, not "${mode}"`);
  const family = str(values, "dns-lookup-family");
  if (family !== undefined && !["auto", "v4", "v6", "all"].includes(family)) errors.push(`--dns-lookup-family must be one of v4, v6, auto, all; not "${family}"`);
  const tls = parseTls(errors, warnings, values);
  const statsPort = parsePort(errors, "--stats-port", str(values, "stats-port"), 0, true);
  const maxConn = parseCount(errors, "--overload-downstream-max-conn", str(values, "overload-downstream-max-conn"));
  const maxHeap = parseCount(errors, "--overload-max-heap", str(values, "overload-max-heap"));
  const resourcesDir = str(values, "resources-dir");
  if (resourcesDir === "") errors.push("--resources-dir needs a non-empty path");
  if (errors.length > 0) return { kind: "error", message: errors.join("\n") };

  const options: BootstrapOptions = {
    nodeId: str(values, "node-id") ?? BOOTSTRAP_DEFAULTS.nodeId,
    nodeCluster: str(values, "node-cluster") ?? BOOTSTRAP_DEFAULTS.nodeCluster,
    admin,
    xdsAddress: str(values, "xds-address") ?? BOOTSTRAP_DEFAULTS.xdsAddress,
    xdsPort,
    xdsMode: mode as BootstrapOptions["xdsMode"],
    xdsTls: tls,
    statsListener: statsPort === 0 ? undefined : { address: str(values, "stats-address") ?? "0.0.0.0", port: statsPort },
    resourcesDir: tls === "insecure" ? undefined : resourcesDir,
    dnsLookupFamily: family as DnsLookupFamily | undefined,
    maxDownstreamConnections: maxConn,
    maxHeapBytes: maxHeap === 0 ? undefined : maxHeap,
    namespace: str(values, "namespace") ?? "projectcontour",
    ...(values["eager-cluster-stats"] === true ? { eagerClusterStats: true } : {}),
  };
  if (statsPort === 0 && str(values, "stats-address") !== undefined) warnings.push("--stats-address without --stats-port: no static stats listener is written");
  if (statsPort !== 0) {
    warnings.push(`--stats-port ${statsPort}: a static stats-health listener; contour serve also sends one over LDS (on its --stats-port/metrics.envoy, default 8002), which must be another port`);
  }
  if (tls === "insecure" && resourcesDir !== undefined) warnings.push("--resources-dir: no TLS files, so no SDS files to write");
  const problems = validateBootstrapOptions(options);
  if (problems.length > 0) return { kind: "error", message: problems.join("\n") };
  return { kind: "run", path: positionals[0] ?? "-", options, warnings };
}

/** Runs the command against `output`; resolves to the exit code (0 written, 1 failed, 2 usage error). */
export async function runBootstrap(args: readonly string[], output: CommandOutput, env: Readonly<Record<string, string | undefined>> = {}): Promise<number> {
  const parsed = parseBootstrapArgs(args, env);
  if (parsed.kind === "help") {
    output.stdout(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    for (const line of parsed.message.split("\n")) output.stderr(`contour bootstrap: ${line}\n`);
    output.stderr("Run 'contour bootstrap --help' for its flags.\n");
    return 2;
  }
  for (const warning of parsed.warnings) output.stderr(`contour bootstrap: warning: ${warning}\n`);
  const { options, path } = parsed;
  if (options.xdsTls !== "insecure") {
    // Checked here, visibly in the pod's init container, rather than by an Envoy that cannot reach contour.
    const unreadable = await unreadableFiles(options.xdsTls);
    if (unreadable.length > 0) {
      output.stderr(`contour bootstrap: cannot read ${unreadable.join(", ")}\n`);
      return 2;
    }
  }
  try {
    if (options.resourcesDir !== undefined && options.xdsTls !== "insecure") {
      const paths = sdsFilePaths(options.resourcesDir);
      const files = buildSdsFiles(options.xdsTls);
      // 0777 as upstream: the directory holds pointers to the mounted Secret files, never key material.
      await mkdir(dirname(paths.certificate), { recursive: true, mode: 0o777 });
      await writeAtomically(paths.certificate, `${JSON.stringify(files.certificate, null, 2)}\n`);
      await writeAtomically(paths.validationContext, `${JSON.stringify(files.validationContext, null, 2)}\n`);
    }
    const json = renderBootstrap(options);
    if (path === "-") output.stdout(json);
    else await writeAtomically(path, json);
  } catch (err: unknown) {
    output.stderr(`contour bootstrap: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return 0;
}

/** The `contour bootstrap` subcommand. */
export async function bootstrap(args: readonly string[]): Promise<number> {
  return runBootstrap(args, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }, process.env);
}

// Write then rename, so an Envoy starting concurrently never reads half a file.
async function writeAtomically(path: string, contents: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(temp, contents, { mode: 0o644 });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw new Error(`writing ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function parseAdmin(errors: string[], values: Values): AdminListener {
  const address = str(values, "admin-address");
  const socket = str(values, "admin-socket");
  const portText = str(values, "admin-port");
  if (socket !== undefined && address !== undefined) errors.push("--admin-socket and --admin-address exclude each other");
  const where = socket ?? address;
  if (where === undefined) {
    // Upstream's default is the socket; an --admin-port alone keeps our earlier TCP admin on 127.0.0.1.
    if (portText === undefined) return { kind: "unix", path: DEFAULT_ADMIN_SOCKET };
    return { kind: "tcp", address: BOOTSTRAP_DEFAULTS.admin.address, port: parsePort(errors, "--admin-port", portText, BOOTSTRAP_DEFAULTS.admin.port) };
  }
  if (isIP(where) !== 0 && socket === undefined) {
    return { kind: "tcp", address: where, port: parsePort(errors, "--admin-port", portText, BOOTSTRAP_DEFAULTS.admin.port) };
  }
  if (where === "localhost" || where === "" || !where.includes("/")) {
    errors.push(`--admin-address: "${where}" is neither a unix socket path (e.g. ${DEFAULT_ADMIN_SOCKET}) nor an IP address`);
  }
  if (portText !== undefined) errors.push("--admin-port applies only to an --admin-address that is an IP address");
  return { kind: "unix", path: where };
}

function parsePort(errors: string[], flag: string, value: string | undefined, fallback: number, zeroAllowed = false): number {
  if (value === undefined) return fallback;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if ((zeroAllowed && port === 0) || (port >= 1 && port <= 65535)) return port;
  errors.push(`${flag} must be a port number in 1-65535, not "${value}"`);
  return fallback;
}

function parseCount(errors: string[], flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d{1,15}$/.test(value)) return Number(value);
  errors.push(`${flag} must be a whole number >= 0, not "${value}"`);
  return undefined;
}

function parseTls(errors: string[], warnings: string[], values: Values): XdsTlsFiles | "insecure" {
  // Ours and upstream's names for the same three files; a file named twice must agree.
  const pick = (ours: string, upstream: string): string | undefined => {
    const a = str(values, ours);
    const b = str(values, upstream);
    if (a !== undefined && b !== undefined && a !== b) errors.push(`--${ours} and --${upstream} name different files`);
    return a ?? b;
  };
  const files = { "--envoy-cafile": pick("xds-ca-file", "envoy-cafile"), "--envoy-cert-file": pick("xds-cert-file", "envoy-cert-file"), "--envoy-key-file": pick("xds-key-file", "envoy-key-file") };
  const given = Object.entries(files).filter(([, v]) => v !== undefined).map(([flag]) => flag);
  if (values["insecure"] === true) {
    const tlsFlags = str(values, "xds-server-name") !== undefined ? [...given, "--xds-server-name"] : given;
    if (tlsFlags.length > 0) errors.push(`--insecure excludes ${tlsFlags.join(", ")}`);
    return "insecure";
  }
  if (given.length === 0) {
    warnings.push("no --envoy-cafile, --envoy-cert-file or --envoy-key-file: Envoy will speak plaintext xDS (contour serve accepts that only with --insecure)");
    return "insecure";
  }
  const missing = Object.entries(files).filter(([, v]) => v === undefined).map(([flag]) => flag);
  if (missing.length > 0) errors.push(`xDS TLS needs all of --envoy-cafile, --envoy-cert-file and --envoy-key-file, or none; missing ${missing.join(", ")}`);
  return {
    caFile: files["--envoy-cafile"] ?? "",
    certFile: files["--envoy-cert-file"] ?? "",
    keyFile: files["--envoy-key-file"] ?? "",
    serverName: str(values, "xds-server-name") ?? DEFAULT_XDS_SERVER_NAME,
  };
}

async function unreadableFiles(tls: XdsTlsFiles): Promise<string[]> {
  const unreadable: string[] = [];
  for (const file of [tls.caFile, tls.certFile, tls.keyFile]) {
    try {
      await access(file, constants.R_OK);
      const info = await stat(file);
      if (!info.isFile()) unreadable.push(`${file} (not a file)`);
      else if (info.size === 0) unreadable.push(`${file} (empty)`);
    } catch {
      unreadable.push(file);
    }
  }
  return unreadable;
}
