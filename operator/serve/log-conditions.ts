// Logs what reconciling found wrong with a source object, once per change of its conditions.
import type { ObjectKey } from "../../controllers/source/object-cache.js";
import type { Condition } from "../../controllers/store/fragment.js";
import { isError } from "../../controllers/store/conditions.js";
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
