// Locates the test-bed binaries: an explicit env var wins, else .tools/tools.env written by `make tools`.
import { accessSync, constants, existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The binaries the test bed runs, keyed by the env var that overrides each one. */
export const TOOL_VARS = {
  envoy: "ENVOY_BIN",
  etcd: "ETCD_BIN",
  "kube-apiserver": "KUBE_APISERVER_BIN",
  "kube-controller-manager": "KUBE_CONTROLLER_MANAGER_BIN",
  kubectl: "KUBECTL_BIN",
  "echo-basic": "ECHO_BASIC_BIN",
  "gateway-api-conformance": "GATEWAY_API_CONFORMANCE_BIN",
  /** envoyproxy/ratelimit, the global rate limit service. */
  ratelimit: "RATELIMIT_BIN",
  /** Redis, the rate limit service's counter store. */
  "redis-server": "REDIS_SERVER_BIN",
} as const;

/** Files (not executables) that `make tools` puts in .tools/, keyed by the env var that overrides each. */
export const TOOL_FILE_VARS = {
  "gateway-api-crds": "GATEWAY_API_CRDS",
  "gateway-api-base-manifests": "GATEWAY_API_BASE_MANIFESTS",
  /** The source folder of upstream Contour's Go module (its quickstart manifest and CRDs). */
  "upstream-contour-src": "UPSTREAM_CONTOUR_SRC",
} as const;

/** A file the test bed knows how to find. */
export type ToolFileName = keyof typeof TOOL_FILE_VARS;

/** The absolute path of a tool file (e.g. the Gateway API CRDs); throws naming the file and `make tools`. */
export function resolveToolFile(file: ToolFileName, env: NodeJS.ProcessEnv = process.env): string {
  const varName = TOOL_FILE_VARS[file];
  const path = lookUp(file, varName, env);
  if (!existsSync(path.path)) throw new Error(`e2e harness: ${file} not found at ${path.path} (from ${path.source}); run \`make tools\` or set ${varName}`);
  return path.path;
}

function lookUp(tool: string, varName: string, env: NodeJS.ProcessEnv): { path: string; source: string } {
  const fromEnv = env[varName];
  if (fromEnv !== undefined && fromEnv !== "") return { path: resolve(fromEnv), source: `$${varName}` };
  const toolsEnv = join(findRepoRoot(), ".tools", "tools.env");
  if (!existsSync(toolsEnv)) {
    throw new Error(`e2e harness: ${tool} not found: $${varName} is unset and ${toolsEnv} does not exist; run \`make tools\``);
  }
  const listed = parseEnvFile(readFileSync(toolsEnv, "utf8")).get(varName);
  if (listed === undefined || listed === "") {
    throw new Error(`e2e harness: ${tool} not found: ${toolsEnv} has no ${varName}; run \`make tools\``);
  }
  return { path: listed, source: toolsEnv };
}

/** A tool the test bed knows how to find. */
export type ToolName = keyof typeof TOOL_VARS;

let cachedRoot: string | undefined;

/** The repository root: the nearest ancestor of this file holding both package.json and the Makefile. */
export function findRepoRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  // Walks up rather than using a fixed depth so the same code works from e2e/ (ts) and dist/e2e/ (js).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "Makefile"))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("e2e harness: cannot find the repository root (no package.json + Makefile above the harness)");
    dir = parent;
  }
}

/** Parses KEY=VALUE lines (the format install.sh writes); comments and blank lines are ignored. */
export function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) continue;
    vars.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1"));
  }
  return vars;
}

/**
 * The absolute path of an executable tool. Throws an error naming the tool, where it looked and the
 * fix (`make tools`) when the binary is missing or not executable: e2e tests must fail, never skip.
 */
export function resolveTool(tool: ToolName, env: NodeJS.ProcessEnv = process.env): string {
  const varName = TOOL_VARS[tool];
  const { path, source } = lookUp(tool, varName, env);
  checkExecutable(tool, path, source, varName);
  return path;
}

function checkExecutable(tool: ToolName, path: string, source: string, varName: string): void {
  const hint = `run \`make tools\` or set ${varName}`;
  if (!existsSync(path)) throw new Error(`e2e harness: ${tool} not found at ${path} (from ${source}); ${hint}`);
  if (!statSync(path).isFile()) throw new Error(`e2e harness: ${tool} at ${path} (from ${source}) is not a file; ${hint}`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`e2e harness: ${tool} at ${path} (from ${source}) is not executable; ${hint}`);
  }
}
