// `contour certgen`: generates the xDS mTLS certificates (operator/certgen) and writes PEM files and/or Secret YAML.
import { randomBytes } from "node:crypto";
import { lstat, mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  CERTGEN_DEFAULTS,
  PEM_FILE_NAMES,
  generateCertificates,
  pemFiles,
  renderSecretsYaml,
  validateCertgenOptions,
  type CertgenOptions,
} from "../certgen/index.js";
import type { CommandOutput } from "./bootstrap.js";

const USAGE = `usage: contour certgen [flags]

Generates a CA, contour's serving certificate and Envoy's client certificate (ECDSA P-256) for
xDS mTLS. The CA key is not kept. At least one of --output-dir, --yaml or --kube is required.

flags:
  --output-dir DIR   write cacert.pem, contourcert.pem, contourkey.pem, envoycert.pem and envoykey.pem
                     (keys mode 0600) into DIR, created if missing
  --yaml FILE        write the Secrets cacert, contourcert and envoycert as YAML to FILE ("-" for stdout)
  --kube             same as --yaml -: Secret YAML on stdout, for kubectl apply -f -
  --namespace NS     namespace of the Secrets and of the Service DNS names in the SANs (default ${CERTGEN_DEFAULTS.namespace})
  --lifetime DAYS    validity of every certificate in days (default ${CERTGEN_DEFAULTS.lifetimeDays})
  --dns-name NAME    extra DNS SAN for contour's certificate (repeatable)
  --ip ADDRESS       extra IP SAN for contour's certificate (repeatable)
  --overwrite        replace existing files instead of refusing to write
  -h, --help         print this help
`;

const FLAGS = {
  "output-dir": { type: "string" },
  yaml: { type: "string" },
  kube: { type: "boolean" },
  namespace: { type: "string" },
  lifetime: { type: "string" },
  "dns-name": { type: "string", multiple: true },
  ip: { type: "string", multiple: true },
  overwrite: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The outcome of parsing the command line: print help, report a usage error, or generate and write. */
export type CertgenArgs =
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string }
  | {
      readonly kind: "run";
      readonly options: CertgenOptions;
      readonly outputDir: string | undefined;
      /** Secret YAML destination; "-" is stdout. */
      readonly yaml: string | undefined;
      readonly overwrite: boolean;
    };

/** Parses and checks the flags without touching the file system. */
export function parseCertgenArgs(args: readonly string[]): CertgenArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: FLAGS, allowPositionals: true, strict: true });
  } catch (err: unknown) {
    return { kind: "error", message: err instanceof Error ? err.message : String(err) };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: "help" };
  if (positionals.length > 0) return { kind: "error", message: `unexpected argument ${positionals.join(" ")}` };
  if (values.kube === true && values.yaml !== undefined) return { kind: "error", message: "--kube and --yaml exclude each other" };
  const yaml = values.kube === true ? "-" : values.yaml;
  const outputDir = values["output-dir"];
  if (outputDir === undefined && yaml === undefined) return { kind: "error", message: "nothing to write: give --output-dir, --yaml or --kube" };
  if (outputDir === "" || yaml === "") return { kind: "error", message: "--output-dir and --yaml need a non-empty path" };

  const lifetime = values.lifetime ?? String(CERTGEN_DEFAULTS.lifetimeDays);
  if (!/^\d{1,9}$/.test(lifetime)) return { kind: "error", message: `--lifetime must be a whole number of days, not "${lifetime}"` };
  const options: CertgenOptions = {
    namespace: values.namespace ?? CERTGEN_DEFAULTS.namespace,
    lifetimeDays: Number(lifetime),
    dnsNames: values["dns-name"] ?? [],
    ipAddresses: values.ip ?? [],
  };
  const problems = validateCertgenOptions(options);
  if (problems.length > 0) return { kind: "error", message: problems.join("; ") };
  return { kind: "run", options, outputDir, yaml, overwrite: values.overwrite === true };
}

/** Runs the command against `output`; resolves to the exit code (0 written, 1 failed or refused, 2 usage error). */
export async function runCertgen(args: readonly string[], output: CommandOutput): Promise<number> {
  const parsed = parseCertgenArgs(args);
  if (parsed.kind === "help") {
    output.stdout(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    output.stderr(`contour certgen: ${parsed.message}\nRun 'contour certgen --help' for its flags.\n`);
    return 2;
  }
  const { outputDir } = parsed;
  const targets = outputDir === undefined ? [] : PEM_FILE_NAMES.map((name) => join(outputDir, name));
  if (parsed.yaml !== undefined && parsed.yaml !== "-") targets.push(parsed.yaml);
  if (!parsed.overwrite) {
    // Checked before generating so that a refusal leaves no partial output behind.
    const existing = (await Promise.all(targets.map(async (path) => ((await exists(path)) ? path : undefined)))).filter((p) => p !== undefined);
    if (existing.length > 0) {
      output.stderr(`contour certgen: refusing to overwrite ${existing.join(", ")} (use --overwrite)\n`);
      return 1;
    }
  }

  const certs = await generateCertificates(parsed.options);
  try {
    if (outputDir !== undefined) {
      await mkdir(outputDir, { recursive: true });
      for (const file of pemFiles(certs)) await writeNew(join(outputDir, file.name), file.contents, file.mode, parsed.overwrite);
    }
    if (parsed.yaml !== undefined) {
      const yaml = renderSecretsYaml(certs, parsed.options.namespace);
      if (parsed.yaml === "-") output.stdout(yaml);
      // The YAML holds private keys: owner-only, like the key files.
      else await writeNew(parsed.yaml, yaml, 0o600, parsed.overwrite);
    }
  } catch (err: unknown) {
    output.stderr(`contour certgen: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return 0;
}

/** The `contour certgen` subcommand. */
export async function certgen(args: readonly string[]): Promise<number> {
  return runCertgen(args, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeNew(path: string, contents: string, mode: number, overwrite: boolean): Promise<void> {
  if (!overwrite) {
    // "wx" fails if the file appeared since the check above: never clobber without --overwrite.
    await writeFile(path, contents, { mode, flag: "wx" });
    return;
  }
  // A fresh file renamed over the old one, so the old file's (possibly wider) mode does not survive.
  const temp = `${path}.tmp-${randomBytes(6).toString("hex")}`;
  await writeFile(temp, contents, { mode, flag: "wx" });
  await rename(temp, path);
}
