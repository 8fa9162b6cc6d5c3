// The config file's metrics.envoy, network.admin-port and omEnforcedHealthListener (and ContourConfiguration's
// envoy.metrics, envoy.network.adminPort and envoy.omEnforcedHealth, mapped onto the same keys): where contour serves Envoy's stats/health and
// read-only admin listeners over LDS (xds/translate/admin-listeners.ts), with upstream's rules.
import type { AdminListenerSettings } from "../../xds/translate/admin-listeners.js";
import type { AppliedValues } from "./envoy-options.js";

const METRICS = "metrics.envoy.";
const ADMIN_PORT = "network.admin-port";
const OM_HEALTH = "omEnforcedHealthListener.";
const KEYS = new Set([`${OM_HEALTH}address`, `${OM_HEALTH}port`, `${METRICS}address`, `${METRICS}port`, `${METRICS}server-certificate-path`, `${METRICS}server-key-path`, `${METRICS}ca-certificate-path`, ADMIN_PORT]);

/** Whether an applied key is one of these (and so not for envoy-options.ts). */
export function isAdminListenerKey(key: string): boolean {
  return KEYS.has(key);
}

/**
 * The listeners' settings. `stats` is `--stats-address`/`--stats-port` (upstream's envoy.health, and
 * the metrics listener's default); the file's metrics.envoy address (non-empty) and port (> 0) win
 * over it for metrics, as in upstream's servecontext.go.
 */
export function buildAdminListenerSettings(applied: AppliedValues, stats: { readonly address: string; readonly port: number }): { readonly settings: AdminListenerSettings; readonly errors: string[] } {
  const errors: string[] = [];
  const text = (key: string): string => {
    const v = applied.get(key)?.value;
    return v === undefined || v === null ? "" : String(v).trim();
  };
  const source = (key: string): string => applied.get(key)?.source ?? key;
  const port = (key: string, fallback: number, zeroMeans: "default" | "off"): number => {
    const v = applied.get(key);
    if (v === undefined) return fallback;
    const n = Number(v.value);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      errors.push(`${v.source}: must be a port number in 0-65535, got ${JSON.stringify(v.value)}`);
      return fallback;
    }
    return n === 0 && zeroMeans === "default" ? fallback : n;
  };
  const address = text(`${METRICS}address`) || stats.address;
  const cert = text(`${METRICS}server-certificate-path`);
  const key = text(`${METRICS}server-key-path`);
  const ca = text(`${METRICS}ca-certificate-path`);
  if ((cert !== "") !== (key !== "")) errors.push(`${source(cert !== "" ? `${METRICS}server-certificate-path` : `${METRICS}server-key-path`)}: you must supply at least server-certificate-path and server-key-path or none of them`);
  if (ca !== "" && cert === "") errors.push(`${source(`${METRICS}ca-certificate-path`)}: you must supply also server-certificate-path and server-key-path if setting ca-certificate-path`);
  const tls = cert !== "" && key !== "" ? { certFile: cert, keyFile: key, ...(ca === "" ? {} : { caFile: ca }) } : undefined;
  return {
    settings: {
      metrics: { address, port: port(`${METRICS}port`, stats.port, "default"), ...(tls === undefined ? {} : { tls }) },
      health: { address: stats.address, port: stats.port },
      // Upstream: 0 turns the read-only admin listener off.
      adminPort: port(ADMIN_PORT, 9001, "off"),
      // Upstream serves it whenever the key is there, with the address and port as given.
      ...(applied.has(`${OM_HEALTH}address`) || applied.has(`${OM_HEALTH}port`) ? { omEnforcedHealth: { address: text(`${OM_HEALTH}address`), port: port(`${OM_HEALTH}port`, 0, "off") } } : {}),
    },
    errors,
  };
}
