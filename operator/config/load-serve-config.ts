// Entry point of the config module: flags over config file over environment over defaults.
import { buildAdminListenerSettings, isAdminListenerKey } from "./admin-listener-options.js";
import { buildReconcileOptions } from "./reconcile-options.js";
import { buildGatewayRef, isGatewayRefKey } from "./gateway-ref.js";
import { checkCompatKeys, isCompatKey } from "./compat-keys.js";
import { buildMetricsTls, isMetricsTlsKey } from "./metrics-tls.js";
import { RUNTIME_KEYS, buildRuntimeSettings } from "./runtime-options.js";
import { buildEnvoyOptions, type AppliedValues } from "./envoy-options.js";
import type { ContourConfigurationSpec } from "../../crds/index.js";
import { buildClusterOptions, isClusterOptionKey } from "./cluster-options.js";
import { contourConfigurationDocument } from "./contour-configuration.js";
import { buildGlobalExtAuth } from "./global-ext-auth.js";
import { parseConfigFile, readConfigDocument } from "./parse-config-file.js";
import { parseFlags } from "./parse-flags.js";
import { buildServeConfig, type ServeConfig } from "./serve-config.js";
import { SETTINGS, findSetting, type RawSettings } from "./settings.js";

/** Reads a file as UTF-8 text (node:fs readFileSync in production, a map in tests). */
export type ReadFile = (path: string) => string;

/**
 * What loadServeConfig found: a config (with warnings for settings accepted but not implemented), the
 * usage text (for --help), or messages for the user.
 */
export type LoadServeConfigResult = { config: ServeConfig; warnings: string[] } | { help: string } | { errors: string[] };

/** The ContourConfiguration `--contour-config-name` names, as read from the cluster. */
export interface ClusterConfiguration {
  readonly namespace: string;
  readonly name: string;
  readonly spec: ContourConfigurationSpec;
}

/** The xDS TLS settings: a ContourConfiguration's xdsServer.tls replaces all four, not one by one. */
const XDS_TLS_SETTINGS = ["contour-cafile", "contour-cert-file", "contour-key-file", "insecure"];

/**
 * Loads the settings of `contour serve` from its arguments, the optional --config-path file and the
 * environment (CONTOUR_NAMESPACE, CONTOUR_CAFILE, ...). With `cluster` (the ContourConfiguration of
 * --contour-config-name, read by the caller), its fields win over flags, as upstream's do, and flags it
 * leaves unset still apply. On errors the caller prints each message and exits 2.
 */
export function loadServeConfig(
  args: readonly string[],
  readFile: ReadFile,
  env: Readonly<Record<string, string | undefined>> = {},
  cluster?: ClusterConfiguration,
): LoadServeConfigResult {
  const flags = parseFlags(args);
  if (flags.help) return { help: serveUsage() };
  // Flag errors do not stop the reading: the file and the values are checked too, so that one run shows every problem.
  const errors: string[] = [...flags.errors];
  const warnings: string[] = [];
  const merged: RawSettings = new Map();
  let applied: AppliedValues = new Map();
  for (const s of SETTINGS) {
    const value = s.env === undefined ? undefined : env[s.env];
    if (value !== undefined && value !== "") merged.set(s.name, { value, source: `$${s.env}` });
  }
  const configFile = flags.raw.get("config-file");
  if (typeof configFile?.value === "string" && configFile.value !== "") {
    const path = configFile.value;
    let text: string | undefined;
    try {
      text = readFile(path);
    } catch (err) {
      errors.push(`${configFile.source}: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (text !== undefined) {
      const file = parseConfigFile(text, path);
      errors.push(...file.errors);
      warnings.push(...file.warnings);
      applied = file.applied;
      for (const [name, value] of file.raw) merged.set(name, value);
    }
  }
  for (const [name, value] of flags.raw) merged.set(name, value);

  const contourConfig = merged.get("contour-config-name");
  if (contourConfig !== undefined && contourConfig.value !== "" && typeof configFile?.value === "string" && configFile.value !== "") {
    // Upstream's rule: one source of settings besides flags, never both.
    errors.push(`${contourConfig.source}: cannot be combined with ${configFile.source}; put the settings in one of them`);
  }
  if (cluster !== undefined) {
    const label = `ContourConfiguration ${cluster.namespace}/${cluster.name}`;
    const document = contourConfigurationDocument(cluster.spec);
    const crd = readConfigDocument(document.doc, label, (keyPath) => `${document.fieldOf(keyPath)} of ${label}`);
    errors.push(...crd.errors);
    warnings.push(...crd.warnings);
    if (crd.raw.has("contour-cafile") || crd.raw.has("contour-cert-file") || crd.raw.has("contour-key-file") || crd.raw.has("insecure")) {
      for (const name of XDS_TLS_SETTINGS) if (!crd.raw.has(name)) merged.delete(name);
    }
    for (const [name, value] of crd.raw) {
      const before = merged.get(name);
      if (before !== undefined && flags.raw.has(name) && String(before.value) !== String(value.value)) {
        warnings.push(`${before.source}: overridden by ${value.source} (${JSON.stringify(value.value)})`);
      }
      merged.set(name, value);
    }
    applied = new Map([...applied, ...crd.applied]);
  }
  const inCluster = merged.get("incluster");
  if (inCluster?.value === true && (env["KUBERNETES_SERVICE_HOST"] ?? "") === "") {
    // Upstream fails here too; quietly using ~/.kube/config instead could point contour at another cluster.
    errors.push(`${inCluster.source}: not running in a pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set`);
  }
  warnings.push(...notImplementedWarnings(merged));

  const built = buildServeConfig(merged);
  if ("errors" in built) errors.push(...built.errors);
  const envoy = buildEnvoyOptions(new Map([...applied].filter(([key]) => !isClusterOptionKey(key) && !RUNTIME_KEYS.has(key) && !isCompatKey(key) && !isGatewayRefKey(key) && !isMetricsTlsKey(key) && !isAdminListenerKey(key))));
  const gatewayRef = buildGatewayRef(applied);
  errors.push(...gatewayRef.errors);
  const compat = checkCompatKeys(applied);
  errors.push(...compat.errors);
  warnings.push(...compat.warnings);
  const runtime = buildRuntimeSettings(applied);
  errors.push(...runtime.errors);
  const metricsTls = buildMetricsTls(applied);
  errors.push(...metricsTls.errors);
  const adminListeners = "errors" in built ? undefined : buildAdminListenerSettings(applied, built.config.stats);
  errors.push(...(adminListeners?.errors ?? []));
  const clusterOptions = buildClusterOptions(applied);
  const globalExtAuth = buildGlobalExtAuth(applied);
  const reconcileOptions = buildReconcileOptions(applied);
  errors.push(...envoy.errors, ...clusterOptions.errors, ...globalExtAuth.errors, ...reconcileOptions.errors);
  warnings.push(...envoy.warnings);
  if (errors.length > 0 || "errors" in built) return { errors };
  // The file's keys after the flags': `accesslog-level: disabled` turns off whatever format was chosen.
  return {
    config: {
      ...built.config,
      envoy: { ...built.config.envoy, ...envoy.options, ...clusterOptions.translate },
      reconcile: { ...clusterOptions.reconcile, ...reconcileOptions.options },
      runtime: runtime.settings,
      ...(gatewayRef.ref === undefined ? {} : { gateway: { ...built.config.gateway, gatewayRef: gatewayRef.ref } }),
      ...(globalExtAuth.value === undefined ? {} : { globalExtAuth: globalExtAuth.value }),
      ...(metricsTls.value === undefined ? {} : { metricsTls: metricsTls.value }),
      ...(adminListeners === undefined ? {} : { adminListeners: adminListeners.settings }),
    },
    warnings,
  };
}

/** One warning per setting accepted for compatibility but without effect, set to other than its default. */
function notImplementedWarnings(raw: RawSettings): string[] {
  const warnings: string[] = [];
  for (const [name, { value, source }] of raw) {
    const spec = findSetting(name);
    if (spec?.notImplemented === undefined) continue;
    const isDefault = Array.isArray(value) ? value.length === 0 : String(value) === String(spec.default ?? "");
    if (!isDefault) warnings.push(`${source}: accepted but not implemented yet (${spec.notImplemented}); ignored`);
  }
  return warnings;
}

/** The --help text of `contour serve`, generated from the settings table. */
export function serveUsage(): string {
  const lines = SETTINGS.map((s) => {
    const arg = s.type === "boolean" ? "" : s.type === "list" ? " <a,b>" : s.type === "port" ? " <port>" : s.type === "duration" ? " <duration>" : s.type === "count" || s.type === "number" ? " <n>" : " <value>";
    const def = s.default === undefined || s.default === false ? "" : ` (default ${String(s.default)})`;
    const names = [`--${s.name}${arg}`, ...(s.short === undefined ? [] : [`-${s.short}`]), ...(s.aliases ?? []).map((a) => `--${a}`)].join(", ");
    const env = s.env === undefined ? "" : ` [$${s.env}]`;
    const todo = s.notImplemented === undefined ? "" : ` (accepted, not implemented yet: ${s.notImplemented})`;
    return `  ${names}${env}\n      ${s.help}${def}${todo}`;
  });
  return `usage: contour serve [flags]\n\nRuns the controller and the xDS server. Settings come from flags, then the --config-path file, then the\nenvironment, then the defaults.\n\nflags:\n${lines.join("\n")}\n`;
}
