// `contour bootstrap <path>`: flags in, Envoy bootstrap JSON out. The bootstrap itself is built by xds/bootstrap.
import { constants } from "node:fs";
import { access, rename, rm, stat, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  BOOTSTRAP_DEFAULTS,
  DEFAULT_XDS_SERVER_NAME,
  renderBootstrap,
  validateBootstrapOptions,
  type AdminListener,
  type BootstrapOptions,
  type XdsTlsFiles,
} from "../../xds/bootstrap/index.js";

const USAGE = `usage: contour bootstrap <path> [flags]

Writes the Envoy bootstrap (JSON) that points Envoy at contour's xDS server to <path>,
or to stdout when <path> is "-". Either the three --xds-*-file flags (mTLS) or --insecure is required.

flags:
  --node-id ID              node id Envoy reports to contour (default "${BOOTSTRAP_DEFAULTS.nodeId}")
  --node-cluster NAME       node cluster Envoy reports to contour (default "${BOOTSTRAP_DEFAULTS.nodeCluster}")
  --admin-address IP        address of Envoy's admin listener (default ${BOOTSTRAP_DEFAULTS.admin.address})
  --admin-port PORT         port of Envoy's admin listener (default ${BOOTSTRAP_DEFAULTS.admin.port})
  --admin-socket PATH       serve admin on this unix socket instead of --admin-address/--admin-port
  --xds-address HOST        IP or DNS name of contour's xDS server (default ${BOOTSTRAP_DEFAULTS.xdsAddress})
  --xds-port PORT           port of contour's xDS server (default ${BOOTSTRAP_DEFAULTS.xdsPort})
  --xds-mode MODE           ADS flavour: delta or sotw (default ${BOOTSTRAP_DEFAULTS.xdsMode})
  --xds-ca-file PATH        PEM CA that issued contour's certificate
  --xds-cert-file PATH      PEM client certificate Envoy presents to contour
  --xds-key-file PATH       PEM private key of --xds-cert-file
  --xds-server-name NAME    SNI sent to contour and DNS SAN its certificate must carry (default "${DEFAULT_XDS_SERVER_NAME}")
  --insecure                plaintext xDS, no TLS (excludes the --xds-*-file flags)
  -h, --help                print this help
`;

const FLAGS = {
  "node-id": { type: "string" },
  "node-cluster": { type: "string" },
  "admin-address": { type: "string" },
  "admin-port": { type: "string" },
  "admin-socket": { type: "string" },
  "xds-address": { type: "string" },
  "xds-port": { type: "string" },
  "xds-mode": { type: "string" },
  "xds-ca-file": { type: "string" },
  "xds-cert-file": { type: "string" },
  "xds-key-file": { type: "string" },
  "xds-server-name": { type: "string" },
  insecure: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Where the command prints: the process streams in the CLI, buffers in tests. */
export interface CommandOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The outcome of parsing the command line: print help, report a usage error, or write `options` to `path`. */
export type BootstrapArgs =
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "run"; readonly path: string; readonly options: BootstrapOptions };

/** Parses and checks the flags without touching the file system. */
export function parseBootstrapArgs(args: readonly string[]): BootstrapArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: FLAGS, allowPositionals: true, strict: true });
  } catch (err: unknown) {
    return { kind: "error", message: err instanceof Error ? err.message : String(err) };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: "help" };
  if (positionals.length !== 1) {
    return { kind: "error", message: positionals.length === 0 ? "missing <path> (use - for stdout)" : `expected one <path>, got ${positionals.length}: ${positionals.join(" ")}` };
  }
  const path = positionals[0] ?? "-";

  const xdsPort = parsePort("--xds-port", values["xds-port"], BOOTSTRAP_DEFAULTS.xdsPort);
  if (typeof xdsPort === "string") return { kind: "error", message: xdsPort };

  let admin: AdminListener;
  if (values["admin-socket"] !== undefined) {
    if (values["admin-address"] !== undefined || values["admin-port"] !== undefined) {
      return { kind: "error", message: "--admin-socket excludes --admin-address and --admin-port" };
    }
    admin = { kind: "unix", path: values["admin-socket"] };
  } else {
    const port = parsePort("--admin-port", values["admin-port"], BOOTSTRAP_DEFAULTS.admin.port);
    if (typeof port === "string") return { kind: "error", message: port };
    admin = { kind: "tcp", address: values["admin-address"] ?? BOOTSTRAP_DEFAULTS.admin.address, port };
  }

  const mode = values["xds-mode"] ?? BOOTSTRAP_DEFAULTS.xdsMode;
  if (mode !== "delta" && mode !== "sotw") return { kind: "error", message: `--xds-mode must be delta or sotw, not "${mode}"` };

  const tls = parseTls(values);
  if (typeof tls === "object" && "error" in tls) return { kind: "error", message: tls.error };

  const options: BootstrapOptions = {
    nodeId: values["node-id"] ?? BOOTSTRAP_DEFAULTS.nodeId,
    nodeCluster: values["node-cluster"] ?? BOOTSTRAP_DEFAULTS.nodeCluster,
    admin,
    xdsAddress: values["xds-address"] ?? BOOTSTRAP_DEFAULTS.xdsAddress,
    xdsPort,
    xdsMode: mode,
    xdsTls: tls,
  };
  const problems = validateBootstrapOptions(options);
  if (problems.length > 0) return { kind: "error", message: problems.join("; ") };
  return { kind: "run", path, options };
}

/** Runs the command against `output`; resolves to the exit code (0 written, 1 failed, 2 usage error). */
export async function runBootstrap(args: readonly string[], output: CommandOutput): Promise<number> {
  const parsed = parseBootstrapArgs(args);
  if (parsed.kind === "help") {
    output.stdout(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    output.stderr(`contour bootstrap: ${parsed.message}\nRun 'contour bootstrap --help' for its flags.\n`);
    return 2;
  }
  const { options, path } = parsed;
  if (options.xdsTls !== "insecure") {
    const unreadable = await unreadableFiles(options.xdsTls);
    if (unreadable.length > 0) {
      output.stderr(`contour bootstrap: cannot read ${unreadable.join(", ")}\n`);
      return 2;
    }
  }
  const json = renderBootstrap(options);
  if (path === "-") {
    output.stdout(json);
    return 0;
  }
  // Write then rename, so an Envoy starting concurrently never reads half a file.
  const temp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(temp, json, { mode: 0o644 });
    await rename(temp, path);
  } catch (err: unknown) {
    await rm(temp, { force: true });
    output.stderr(`contour bootstrap: writing ${path}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return 0;
}

/** The `contour bootstrap` subcommand. */
export async function bootstrap(args: readonly string[]): Promise<number> {
  return runBootstrap(args, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
}

function parsePort(flag: string, value: string | undefined, fallback: number): number | string {
  if (value === undefined) return fallback;
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  return port >= 1 && port <= 65535 ? port : `${flag} must be a port number in 1-65535, not "${value}"`;
}

function parseTls(values: {
  insecure?: boolean | undefined;
  "xds-ca-file"?: string | undefined;
  "xds-cert-file"?: string | undefined;
  "xds-key-file"?: string | undefined;
  "xds-server-name"?: string | undefined;
}): XdsTlsFiles | "insecure" | { error: string } {
  const files = { "--xds-ca-file": values["xds-ca-file"], "--xds-cert-file": values["xds-cert-file"], "--xds-key-file": values["xds-key-file"] };
  const given = Object.entries(files).filter(([, v]) => v !== undefined).map(([flag]) => flag);
  if (values.insecure === true) {
    const tlsFlags = values["xds-server-name"] !== undefined ? [...given, "--xds-server-name"] : given;
    if (tlsFlags.length > 0) return { error: `--insecure excludes ${tlsFlags.join(", ")}` };
    return "insecure";
  }
  if (given.length === 0) return { error: "xDS TLS needs --xds-ca-file, --xds-cert-file and --xds-key-file (or --insecure for plaintext)" };
  const missing = Object.entries(files).filter(([, v]) => v === undefined).map(([flag]) => flag);
  if (missing.length > 0) return { error: `xDS TLS also needs ${missing.join(", ")}` };
  return {
    caFile: files["--xds-ca-file"] ?? "",
    certFile: files["--xds-cert-file"] ?? "",
    keyFile: files["--xds-key-file"] ?? "",
    serverName: values["xds-server-name"] ?? DEFAULT_XDS_SERVER_NAME,
  };
}

async function unreadableFiles(tls: XdsTlsFiles): Promise<string[]> {
  const unreadable: string[] = [];
  for (const file of [tls.caFile, tls.certFile, tls.keyFile]) {
    try {
      await access(file, constants.R_OK);
      if (!(await stat(file)).isFile()) unreadable.push(`${file} (not a file)`);
    } catch {
      unreadable.push(file);
    }
  }
  return unreadable;
}
