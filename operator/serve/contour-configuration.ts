// `contour serve --contour-config-name`: reads the ContourConfiguration from contour's namespace once at
// start (as upstream does: a change takes a restart) and reports on it what loading its settings found,
// as upstream's one `Valid` DetailedCondition: True/Valid, or False/ErrorPresent with an error per
// invalid field; settings accepted without effect become warnings.
import type { KubeConfig } from "@kubernetes/client-node";
import {
  API_VERSION_V1ALPHA1,
  CONTOUR_CONFIGURATION_KIND,
  CONTOUR_CONFIGURATION_PLURAL,
  type ContourConfiguration,
  type ContourConfigurationStatus,
  type SubCondition,
} from "../../crds/index.js";
import { ERROR_PRESENT_MESSAGE, MAX_SUBCONDITIONS, withValidCondition, type ValidConditionView } from "../../controllers/httpproxy/proxy-status.js";
import { isNotFound } from "../runtime/kube-error.js";
import { createKubeStatusApi, type StatusApi } from "../status/index.js";

/** Upstream's Valid message of a ContourConfiguration without errors. */
export const VALID_CONTOUR_CONFIGURATION_MESSAGE = "Valid ContourConfiguration";

/** The namespace contour reads its ContourConfiguration from: $CONTOUR_NAMESPACE, else projectcontour (upstream's rule). */
export function contourNamespace(env: Readonly<Record<string, string | undefined>>): string {
  const ns = env["CONTOUR_NAMESPACE"];
  return ns === undefined || ns === "" ? "projectcontour" : ns;
}

/** The API path of a ContourConfiguration. */
export function contourConfigurationPath(namespace: string, name: string): string {
  return `/apis/${API_VERSION_V1ALPHA1}/namespaces/${encodeURIComponent(namespace)}/${CONTOUR_CONFIGURATION_PLURAL}/${encodeURIComponent(name)}`;
}

/** What reading the object found. */
export type ReadResult = { object: ContourConfiguration } | { problem: string };

/** Reads the ContourConfiguration; a missing object or an unreachable API server is one line for the user. */
export async function readContourConfiguration(api: StatusApi, namespace: string, name: string): Promise<ReadResult> {
  try {
    const found = await api.get(contourConfigurationPath(namespace, name));
    if (found === undefined) return { problem: `--contour-config-name: ContourConfiguration ${namespace}/${name} not found (contour reads it from $CONTOUR_NAMESPACE, default projectcontour)` };
    if (found.kind !== undefined && found.kind !== CONTOUR_CONFIGURATION_KIND) return { problem: `--contour-config-name: ${namespace}/${name} is a ${found.kind}` };
    return { object: { ...(found as ContourConfiguration), spec: (found as Partial<ContourConfiguration>).spec ?? {} } };
  } catch (err) {
    if (isNotFound(err)) return { problem: `--contour-config-name: ContourConfiguration ${namespace}/${name} not found (is its CRD installed?)` };
    return { problem: `--contour-config-name: cannot read ContourConfiguration ${namespace}/${name}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** The Valid condition's view from loading's messages. */
export function contourConfigurationView(errors: readonly string[], warnings: readonly string[], generation: number | undefined): ValidConditionView {
  const sub = (reason: string) => (message: string): SubCondition => ({ type: "SpecError", status: "True", reason, message });
  const gen = generation === undefined ? {} : { generation };
  const capped = (list: SubCondition[]): SubCondition[] =>
    list.length <= MAX_SUBCONDITIONS ? list : [...list.slice(0, MAX_SUBCONDITIONS - 1), { type: "SpecError", status: "True", reason: "TooManyProblems", message: `${list.length - MAX_SUBCONDITIONS + 1} more not shown` }];
  const e = capped(errors.map(sub("InvalidSetting")));
  const w = capped(warnings.map(sub("NotImplemented")));
  if (e.length > 0) return { valid: { status: "False", reason: "ErrorPresent", message: ERROR_PRESENT_MESSAGE }, errors: e, warnings: w, ...gen };
  return { valid: { status: "True", reason: "Valid", message: VALID_CONTOUR_CONFIGURATION_MESSAGE }, errors: e, warnings: w, ...gen };
}

/** Writes the Valid condition unless the object already carries the same one; a conflict is retried once on a fresh read. */
export async function reportContourConfiguration(api: StatusApi, object: ContourConfiguration, view: ValidConditionView, now: string): Promise<void> {
  const path = contourConfigurationPath(object.metadata?.namespace ?? "", object.metadata?.name ?? "");
  let current: ContourConfiguration | undefined = object;
  for (let attempt = 0; attempt < 2 && current !== undefined; attempt++) {
    const status: ContourConfigurationStatus = { ...current.status, conditions: withValidCondition(view, current.status?.conditions, now) };
    if (JSON.stringify(status) === JSON.stringify(current.status ?? {})) return;
    try {
      await api.replaceStatus(path, { ...current, status });
      return;
    } catch (err) {
      if (attempt === 1 || (err as { statusCode?: number }).statusCode !== 409) throw err;
      current = (await api.get(path)) as ContourConfiguration | undefined;
    }
  }
}

/** The status API of a kubeconfig (a seam for tests). */
export function contourConfigurationApi(kubeConfig: KubeConfig): StatusApi {
  return createKubeStatusApi(kubeConfig);
}
