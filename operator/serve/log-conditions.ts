// Logs what reconciling found wrong with a source object, once per change of its conditions.
import type { ObjectKey } from "../../controllers/source/object-cache.js";
import type { Condition } from "../../controllers/store/fragment.js";
import { isError } from "../../controllers/store/conditions.js";
import type { ProxyStatusView } from "../../controllers/httpproxy/index.js";
import type { Logger } from "../log.js";

/** Logs every error (warn) and warning (info) condition of the reconciled sources. */
export function logConditions(log: Logger, reconciled: readonly { readonly key: ObjectKey; readonly conditions: readonly Condition[] | undefined }[]): void {
  for (const { key, conditions } of reconciled) {
    for (const condition of conditions ?? []) {
      const fields = { kind: key.kind, namespace: key.namespace, name: key.name, reason: condition.reason };
      if (isError(condition)) log.warn(fields, condition.message);
      else if (condition.type !== "Valid") log.info(fields, condition.message);
    }
  }
}

/**
 * Logs the problems of HTTPProxies whose status changed (roots, included proxies and orphans alike):
 * errors as warn, warnings and orphans as info, each with the area (`type`) it is filed under.
 */
export function logProxyStatuses(log: Logger, changes: readonly { readonly key: ObjectKey; readonly view: ProxyStatusView | undefined }[]): void {
  for (const { key, view } of changes) {
    if (view === undefined) continue;
    const base = { kind: key.kind, namespace: key.namespace, name: key.name };
    if (view.currentStatus === "orphaned") {
      log.info({ ...base, reason: "Orphaned" }, view.description);
      continue;
    }
    for (const e of view.errors) log.warn({ ...base, type: e.type, reason: e.reason }, e.message);
    for (const w of view.warnings) log.info({ ...base, type: w.type, reason: w.reason }, w.message);
  }
}
