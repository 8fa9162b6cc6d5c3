// The config file's metrics.contour TLS files (upstream's MetricsServerParameters): with a certificate
// and key, /metrics (and the /healthz and /readyz served beside it) is HTTPS; with a CA as well, a
// client must present a certificate that CA signed, as upstream's metrics server asks.
import { readFileSync } from "node:fs";
import type { AppliedValues } from "./envoy-options.js";

const PREFIX = "metrics.contour.";
const CERT = `${PREFIX}server-certificate-path`;
const KEY = `${PREFIX}server-key-path`;
const CA = `${PREFIX}ca-certificate-path`;

/** The PEM files of the ops server's TLS, read at start-up. */
export interface MetricsTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Set: client certificates are required and checked against it. */
  readonly ca?: Buffer;
}

/** Whether an applied key is one of these (and so not for envoy-options.ts). */
export function isMetricsTlsKey(key: string): boolean {
  return key === CERT || key === KEY || key === CA;
}

/** The TLS of the ops server, or undefined when the file sets none; errors name the key and the file. */
export function buildMetricsTls(applied: AppliedValues, read: (path: string) => Buffer = readFileSync): { readonly value?: MetricsTls; readonly errors: string[] } {
  const errors: string[] = [];
  const path = (key: string): { path: string; source: string } | undefined => {
    const v = applied.get(key);
    return v === undefined || String(v.value) === "" ? undefined : { path: String(v.value), source: v.source };
  };
  const cert = path(CERT);
  const key = path(KEY);
  const ca = path(CA);
  if (cert === undefined && key === undefined) {
    if (ca !== undefined) errors.push(`${ca.source}: needs metrics.contour.server-certificate-path and server-key-path`);
    return { errors };
  }
  if (cert === undefined || key === undefined) {
    errors.push(`${(cert ?? key)!.source}: metrics.contour.server-certificate-path and server-key-path go together`);
    return { errors };
  }
  const load = (file: { path: string; source: string }): Buffer | undefined => {
    try {
      return read(file.path);
    } catch (err) {
      errors.push(`${file.source}: cannot read ${file.path}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
  const certPem = load(cert);
  const keyPem = load(key);
  const caPem = ca === undefined ? undefined : load(ca);
  if (certPem === undefined || keyPem === undefined || (ca !== undefined && caPem === undefined)) return { errors };
  return { value: { cert: certPem, key: keyPem, ...(caPem === undefined ? {} : { ca: caPem }) }, errors };
}
