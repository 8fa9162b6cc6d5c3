// `contour certgen`: generates the xDS mTLS certificates (operator/certgen) and writes them as PEM files
// (--pem), Secret YAML files (--yaml) and/or Secrets through the API (--kube), with upstream Contour
// v1.33's flags: the quickstart's Job (`certgen --kube --incluster --overwrite --secrets-format=compact`)
// runs unchanged.
import { randomBytes } from "node:crypto";
import { lstat, mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import {
  CERTGEN_DEFAULTS,
  PEM_FILE_NAMES,
  SECRETS_FORMATS,
  buildSecrets,
  generateCertificates,
  pemFiles,
  secretYaml,
  validateCertgenOptions,
  writeSecretsToApi,
  type CertgenOptions,
  type SecretsFormat,
} from "../certgen/index.js";
import type { CommandOutput } from "./bootstrap.js";
import { parseCommandFlags, type FlagSpec } from "./flags.js";

const USAGE = `usage: contour certgen [outputdir] [flags]

Generates a CA, contour's serving certificate and Envoy's client certificate (ECDSA P-256) for xDS
mTLS and writes them as chosen below (at least one). The CA key is not kept.

flags:
  --pem                      PEM files cacert.pem, contourcert.pem, contourkey.pem, envoycert.pem, envoykey.pem
                             (keys mode 0600) in outputdir (default "certs")
  --yaml                     the Secrets as <name>.yaml files (mode 0600) in outputdir
  --kube                     create the Secrets through the Kubernetes API ("already exists" unless --overwrite)
  --incluster                with --kube: use the pod's service account
  --kubeconfig PATH          with --kube: kubeconfig file (default $KUBECONFIG, else ~/.kube/config)
  --namespace NS [$CONTOUR_NAMESPACE]  namespace of the Secrets and of the Service names in the SANs (default ${CERTGEN_DEFAULTS.namespace})
  --secrets-format FORMAT    legacy (default: contourcert, envoycert, cacert) or compact (ca.crt in both TLS Secrets)
  --secrets-name-suffix S    appended to every Secret's name
  --certificate-lifetime DAYS  validity of every certificate in days (default ${CERTGEN_DEFAULTS.lifetimeDays}) [--lifetime]
  --overwrite                replace existing files or Secrets
  --output-dir DIR           outputdir as a flag; alone it means --pem
  --dns-name NAME            extra DNS SAN for contour's certificate (repeatable)
  --ip ADDRESS               extra IP SAN for contour's certificate (repeatable)
  --log-format text|json     accepted for upstream's command lines
  -h, --help                 print this help
`;

const FLAGS = {
  pem: { type: "boolean" },
  yaml: { type: "boolean" },
  kube: { type: "boolean" },
  incluster: { type: "boolean" },
  kubeconfig: { type: "string" },
  namespace: { type: "string", env: "CONTOUR_NAMESPACE" },
  "secrets-format": { type: "string" },
  "secrets-name-suffix": { type: "string" },
  "certificate-lifetime": { type: "string" },
  lifetime: { type: "string" },
  overwrite: { type: "boolean" },
  "output-dir": { type: "string" },
  "dns-name": { type: "string", multiple: true },
  ip: { type: "string", multiple: true },
  "log-format": { type: "string" },
} as const satisfies Record<string, FlagSpec>;

/** Where --kube writes: the pod's service account, a kubeconfig file, or the default lookup. */
export type KubeTarget = { readonly kind: "incluster" } | { readonly kind: "kubeconfig"; readonly path: string | undefined };

/** The outcome of parsing the command line: print help, report usage errors, or generate and write. */
export type CertgenArgs =
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string }
  | {
      readonly kind: "run";
      readonly options: CertgenOptions;
      readonly outputDir: string;
      readonly pem: boolean;
      readonly yaml: boolean;
      /** Undefined: no --kube. */
      readonly kube: KubeTarget | undefined;
      readonly format: SecretsFormat;
      readonly nameSuffix: string;
      readonly overwrite: boolean;
    };

type Values = Record<string, string | boolean | string[] | undefined>;
const str = (values: Values, name: string): string | undefined => (typeof values[name] === "string" ? (values[name] as string) : undefined);
const list = (values: Values, name: string): string[] => (Array.isArray(values[name]) ? (values[name] as string[]) : []);

/** Parses and checks the flags without touching the file system; every problem is reported at once. */
export function parseCertgenArgs(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): CertgenArgs {
  const { values, positionals, errors } = parseCommandFlags(args, FLAGS, env);
  if (values["help"] === true) return { kind: "help" };
  if (positionals.length > 1) errors.push(`expected at most one outputdir, got ${positionals.join(" ")}`);
  const flagDir = str(values, "output-dir");
  if (flagDir !== undefined && positionals.length > 0 && flagDir !== positionals[0]) errors.push("--output-dir and the outputdir argument differ");
  const outputDir = positionals[0] ?? flagDir ?? "certs";
  if (outputDir === "") errors.push("the output directory must not be empty");
  // Our earlier `certgen --output-dir DIR` wrote PEM files: it still does.
  const pem = values["pem"] === true || (flagDir !== undefined && values["yaml"] !== true && values["kube"] !== true);
  const yaml = values["yaml"] === true;
  const kubeWanted = values["kube"] === true;
  if (!pem && !yaml && !kubeWanted) errors.push("nothing to write: give --pem, --yaml or --kube");
  const format = str(values, "secrets-format") ?? "legacy";
  if (!SECRETS_FORMATS.includes(format as SecretsFormat)) errors.push(`--secrets-format must be legacy or compact, not "${format}"`);
  const lifetimeUpstream = str(values, "certificate-lifetime");
  const lifetimeOurs = str(values, "lifetime");
  if (lifetimeUpstream !== undefined && lifetimeOurs !== undefined && lifetimeUpstream !== lifetimeOurs) errors.push("--certificate-lifetime and --lifetime differ");
  const lifetime = lifetimeUpstream ?? lifetimeOurs ?? String(CERTGEN_DEFAULTS.lifetimeDays);
  if (!/^\d{1,9}$/.test(lifetime)) errors.push(`--certificate-lifetime must be a whole number of days, not "${lifetime}"`);
  const nameSuffix = str(values, "secrets-name-suffix") ?? "";
  if (nameSuffix !== "" && !/^[a-z0-9.-]+$/.test(nameSuffix)) errors.push(`--secrets-name-suffix "${nameSuffix}" would make an invalid Secret name`);
  const options: CertgenOptions = {
    namespace: str(values, "namespace") ?? CERTGEN_DEFAULTS.namespace,
    lifetimeDays: Number(lifetime),
    dnsNames: list(values, "dns-name"),
    ipAddresses: list(values, "ip"),
  };
  if (kubeWanted && values["incluster"] === true && (env["KUBERNETES_SERVICE_HOST"] ?? "") === "") {
    errors.push("--incluster: not running in a pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
  }
  if (errors.length === 0) errors.push(...validateCertgenOptions(options));
  if (errors.length > 0) return { kind: "error", message: errors.join("\n") };
  const kube: KubeTarget | undefined = !kubeWanted ? undefined : values["incluster"] === true ? { kind: "incluster" } : { kind: "kubeconfig", path: str(values, "kubeconfig") };
  return { kind: "run", options, outputDir, pem, yaml, kube, format: format as SecretsFormat, nameSuffix, overwrite: values["overwrite"] === true };
}

/** Loads the KubeConfig --kube writes with. */
export function kubeConfigFor(target: KubeTarget): KubeConfig {
  const kc = new KubeConfig();
  if (target.kind === "incluster") kc.loadFromCluster();
  else if (target.path !== undefined) kc.loadFromFile(target.path);
  else kc.loadFromDefault();
  return kc;
}

/** Runs the command against `output`; resolves to the exit code (0 written, 1 failed or refused, 2 usage error). */
export async function runCertgen(args: readonly string[], output: CommandOutput, env: Readonly<Record<string, string | undefined>> = {}): Promise<number> {
  const parsed = parseCertgenArgs(args, env);
  if (parsed.kind === "help") {
    output.stdout(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    for (const line of parsed.message.split("\n")) output.stderr(`contour certgen: ${line}\n`);
    output.stderr("Run 'contour certgen --help' for its flags.\n");
    return 2;
  }
  const { outputDir, overwrite } = parsed;
  const certs = await generateCertificates(parsed.options);
  const secrets = buildSecrets(certs, { namespace: parsed.options.namespace, format: parsed.format, nameSuffix: parsed.nameSuffix });
  const targets = [...(parsed.pem ? PEM_FILE_NAMES : []), ...(parsed.yaml ? secrets.map((s) => `${s.metadata.name}.yaml`) : [])].map((name) => join(outputDir, name));
  if (!overwrite) {
    // Checked before writing anything, so that a refusal leaves no partial output behind.
    const existing = (await Promise.all(targets.map(async (path) => ((await exists(path)) ? path : undefined)))).filter((p) => p !== undefined);
    if (existing.length > 0) {
      output.stderr(`contour certgen: refusing to overwrite ${existing.join(", ")} (use --overwrite)\n`);
      return 1;
    }
  }
  try {
    if (parsed.pem) {
      output.stdout(`Writing certificates to PEM files in ${outputDir}/\n`);
      await mkdir(outputDir, { recursive: true });
      for (const file of pemFiles(certs)) await writeNew(join(outputDir, file.name), file.contents, file.mode, overwrite, output);
    }
    if (parsed.yaml) {
      output.stdout(`Writing "${parsed.format}" format Secrets to YAML files in ${outputDir}/\n`);
      await mkdir(outputDir, { recursive: true });
      // The YAML holds private keys: owner-only, like the key files.
      for (const secret of secrets) await writeNew(join(outputDir, `${secret.metadata.name}.yaml`), secretYaml(secret), 0o600, overwrite, output);
    }
    if (parsed.kube !== undefined) {
      output.stdout(`Writing "${parsed.format}" format Secrets to namespace "${parsed.options.namespace}"\n`);
      await writeSecretsToApi(kubeConfigFor(parsed.kube), secrets, overwrite, (line) => output.stdout(line));
    }
  } catch (err: unknown) {
    output.stderr(`contour certgen: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return 0;
}

/** The `contour certgen` subcommand. */
export async function certgen(args: readonly string[]): Promise<number> {
  return runCertgen(args, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }, process.env);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeNew(path: string, contents: string, mode: number, overwrite: boolean, output: CommandOutput): Promise<void> {
  if (!overwrite) {
    // "wx" fails if the file appeared since the check above: never clobber without --overwrite.
    await writeFile(path, contents, { mode, flag: "wx" });
  } else {
    // A fresh file renamed over the old one, so the old file's (possibly wider) mode does not survive.
    const temp = `${path}.tmp-${randomBytes(6).toString("hex")}`;
    await writeFile(temp, contents, { mode, flag: "wx" });
    await rename(temp, path);
  }
  output.stdout(`${path} created\n`);
}
