// Upstream config-file keys that Envoy takes only as runtime values, served over RTDS
// (xds/translate/runtime-layer.ts): listener.max-requests-per-io-cycle and max-connections-per-listener.
import type { RuntimeSettings } from "../../xds/translate/runtime-layer.js";
import type { AppliedValues } from "./envoy-options.js";

const IO_CYCLE = "listener.max-requests-per-io-cycle";
const PER_LISTENER = "listener.max-connections-per-listener";

/** The applied keys that belong here rather than to envoy-options.ts. */
export const RUNTIME_KEYS: ReadonlySet<string> = new Set([IO_CYCLE, PER_LISTENER]);

/** The runtime settings, or what is wrong with them (values arrive type-checked as whole numbers). */
export function buildRuntimeSettings(applied: AppliedValues): { readonly settings: RuntimeSettings; readonly errors: string[] } {
  const errors: string[] = [];
  const settings: { maxRequestsPerIoCycle?: number; maxConnectionsPerListener?: number } = {};
  const io = applied.get(IO_CYCLE);
  if (io !== undefined) {
    // Upstream's messages (pkg/config/parameters.go, ListenerParameters.Validate).
    if (Number(io.value) < 1) errors.push(`${io.source}: invalid max connections per IO cycle value "${String(io.value)}" set on listener, minimum value is 1`);
    else settings.maxRequestsPerIoCycle = Number(io.value);
  }
  const perListener = applied.get(PER_LISTENER);
  if (perListener !== undefined) {
    if (Number(perListener.value) < 1) errors.push(`${perListener.source}: invalid max connections per listener value "${String(perListener.value)}" set on listener, minimum value is 1`);
    else settings.maxConnectionsPerListener = Number(perListener.value);
  }
  return { settings, errors };
}
