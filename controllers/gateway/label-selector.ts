import type { LabelSelector } from "../../crds/types/gateway-api/common.js";

/** A compiled label selector, or why it cannot be used. */
export type SelectorParse = { readonly ok: true; readonly matches: (labels: Readonly<Record<string, string>> | undefined) => boolean } | { readonly ok: false; readonly error: string };

/**
 * Compiles a metav1.LabelSelector (matchLabels and matchExpressions In, NotIn, Exists, DoesNotExist),
 * as apimachinery's LabelSelectorAsSelector does. An empty selector matches everything.
 */
export function parseLabelSelector(selector: LabelSelector | undefined): SelectorParse {
  const tests: ((labels: Readonly<Record<string, string>>) => boolean)[] = [];
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) tests.push((l) => l[k] === v);
  for (const e of selector?.matchExpressions ?? []) {
    const values = new Set(e.values ?? []);
    switch (e.operator) {
      case "In":
        if (values.size === 0) return { ok: false, error: `operator In on ${JSON.stringify(e.key)} needs values` };
        tests.push((l) => l[e.key] !== undefined && values.has(l[e.key] ?? ""));
        break;
      case "NotIn":
        if (values.size === 0) return { ok: false, error: `operator NotIn on ${JSON.stringify(e.key)} needs values` };
        tests.push((l) => l[e.key] === undefined || !values.has(l[e.key] ?? ""));
        break;
      case "Exists":
        tests.push((l) => l[e.key] !== undefined);
        break;
      case "DoesNotExist":
        tests.push((l) => l[e.key] === undefined);
        break;
      default:
        return { ok: false, error: `operator ${JSON.stringify(e.operator)} is not one of In, NotIn, Exists, DoesNotExist` };
    }
  }
  return { ok: true, matches: (labels) => tests.every((t) => t(labels ?? {})) };
}
