// `contour cli` arguments, with upstream Contour's flag names, defaults and CLI_* environment variables.
import { TypeUrl } from "../../xds/resources.js";

/** The resource kinds `contour cli` watches, by subcommand. */
export const CLI_TYPES = { lds: TypeUrl.listener, rds: TypeUrl.route, cds: TypeUrl.cluster, eds: TypeUrl.endpoint, sds: TypeUrl.secret } as const;

/** A subcommand of `contour cli`. */
export type CliType = keyof typeof CLI_TYPES;

/** What `contour cli` was asked to do. */
export interface CliArgs {
  readonly type: CliType;
  /** host:port of contour's xDS server. */
  readonly contour: string;
  /** All three or none: mTLS with the same certificates Envoy uses. */
  readonly tls: { readonly caFile: string; readonly certFile: string; readonly keyFile: string } | undefined;
  readonly delta: boolean;
  readonly nack: boolean;
  readonly nodeId: string;
  /** Resource names to subscribe to; empty: all (wildcard). */
  readonly resources: readonly string[];
  /** Not upstream: exit after the first response instead of watching until interrupted. */
  readonly once: boolean;
}

/** `contour cli --help`. */
export const CLI_USAGE = `usage: contour cli [flags] lds|rds|cds|eds|sds [resource names...]

Watches what contour's xDS server sends an Envoy node and prints each request and response as JSON
(proto field names) on stdout, ACKing responses, until interrupted.

flags:
  --contour host:port   contour's xDS server (default 127.0.0.1:8001)
  --cafile FILE         CA bundle of contour's serving certificate ($CLI_CAFILE)
  --cert-file FILE      client certificate, e.g. Envoy's ($CLI_CERT_FILE)
  --key-file FILE       client key ($CLI_KEY_FILE)
  --delta               use incremental (delta) xDS instead of state-of-the-world
  --node-id ID          the Envoy node ID to ask as (default ContourCLI, $CLI_NODE_ID)
  --nack                NACK every response (for testing)
  --once                exit after the first response (not in upstream Contour)
`;

// log-format is upstream's program-wide flag (`contour --log-format=json cli …`): accepted, and without
// effect here, since the progress lines on stderr are plain text.
const VALUE_FLAGS = new Set(["contour", "cafile", "cert-file", "key-file", "node-id", "log-format"]);
const BOOLEAN_FLAGS = new Set(["delta", "nack", "once"]);

/** Parses `contour cli` arguments; `help` for --help, `error` for a message to print with the usage. */
export function parseCliArgs(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliArgs | { help: true } | { error: string } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--help" || arg === "-h") return { help: true };
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (BOOLEAN_FLAGS.has(name)) {
      if (eq >= 0) return { error: `--${name} takes no value` };
      flags.add(name);
    } else if (VALUE_FLAGS.has(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) return { error: `--${name} needs a value` };
      values.set(name, value);
    } else {
      return { error: `unknown flag --${name}` };
    }
  }
  const [type, ...resources] = positional;
  if (type === undefined) return { error: "missing subcommand: lds, rds, cds, eds or sds" };
  if (!(type in CLI_TYPES)) return { error: `unknown subcommand "${type}": want lds, rds, cds, eds or sds` };
  const caFile = values.get("cafile") ?? env["CLI_CAFILE"];
  const certFile = values.get("cert-file") ?? env["CLI_CERT_FILE"];
  const keyFile = values.get("key-file") ?? env["CLI_KEY_FILE"];
  const given = [caFile, certFile, keyFile].filter((v) => v !== undefined && v !== "");
  if (given.length !== 0 && given.length !== 3) return { error: "you must supply all three TLS parameters - --cafile, --cert-file, --key-file, or none of them" };
  return {
    type: type as CliType,
    contour: values.get("contour") ?? "127.0.0.1:8001",
    tls: given.length === 3 ? { caFile: caFile ?? "", certFile: certFile ?? "", keyFile: keyFile ?? "" } : undefined,
    delta: flags.has("delta"),
    nack: flags.has("nack"),
    nodeId: values.get("node-id") ?? env["CLI_NODE_ID"] ?? "ContourCLI",
    resources,
    once: flags.has("once"),
  };
}
