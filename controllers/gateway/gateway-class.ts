import type { GatewayClass } from "../../crds/types/gateway-api/gateway.js";
import type { Condition } from "../store/fragment.js";
import { condition, createDependencySet, failure, type Dependency, type GatewayObjects } from "./objects.js";
import { SUPPORTED_FEATURES } from "./features.js";
import { quote } from "../store/conditions.js";

/** The controller name Contour answers to unless configured otherwise (--gateway-controller-name). */
export const DEFAULT_GATEWAY_CONTROLLER_NAME = "projectcontour.io/gateway-controller";

/** A kind a GatewayClass parametersRef may name, and whether objects of it live in a namespace. */
export interface ParametersKind {
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

/** Upstream Contour's parameters kind: ContourDeployment, namespaced. */
export const CONTOUR_DEPLOYMENT: ParametersKind = { group: "projectcontour.io", kind: "ContourDeployment", namespaced: true };

/** What the GatewayClass reconcile needs from the configuration and the cluster. */
export interface GatewayClassOptions {
  /** Default DEFAULT_GATEWAY_CONTROLLER_NAME. */
  readonly controllerName?: string;
  /** Kinds parametersRef may name; default [CONTOUR_DEPLOYMENT]. */
  readonly parametersKinds?: readonly ParametersKind[];
  /**
   * The gateway.networking.k8s.io/bundle-version of every Gateway API CRD installed ("" for a CRD
   * without the annotation); undefined when not known, which is taken as supported.
   */
  readonly crdBundleVersions?: readonly string[];
  /** Default SUPPORTED_FEATURES. */
  readonly supportedFeatures?: readonly string[];
}

/** What a GatewayClass reconcile decides. */
export type GatewayClassResult =
  | { readonly ours: false }
  | {
      readonly ours: true;
      /** Whether Gateways of this class are served. */
      readonly accepted: boolean;
      readonly conditions: readonly Condition[];
      readonly supportedFeatures: readonly { readonly name: string }[];
      readonly dependencies: readonly Dependency[];
    };

/** The bundle versions this controller was built for: v1.6.x. */
const SUPPORTED_BUNDLE = /^v1\.6\.\d+$/;

/**
 * A GatewayClass's status, if its spec.controllerName is ours (classes of other controllers are
 * never touched): Accepted (Accepted, or InvalidParameters when parametersRef cannot be resolved),
 * SupportedVersion (the installed CRDs' bundle versions; best effort when unsupported: still
 * Accepted), and the supported features.
 */
export function reconcileGatewayClass(objects: GatewayObjects, gc: GatewayClass, options: GatewayClassOptions = {}): GatewayClassResult {
  try {
    return reconcile(objects, gc, options);
  } catch (e) {
    // Only a bug or input the schema forbids gets here: the class is not accepted and says why.
    return { ours: true, accepted: false, conditions: [condition("Accepted", false, "InvalidParameters", failure(e))], supportedFeatures: [], dependencies: [] };
  }
}

function reconcile(objects: GatewayObjects, gc: GatewayClass, options: GatewayClassOptions): GatewayClassResult {
  if (gc.spec?.controllerName !== (options.controllerName ?? DEFAULT_GATEWAY_CONTROLLER_NAME)) return { ours: false };
  const deps = createDependencySet();
  const problem = parametersProblem(objects, gc, options.parametersKinds ?? [CONTOUR_DEPLOYMENT], deps);
  const accepted = problem === undefined;
  const versions = options.crdBundleVersions;
  const unsupported = versions === undefined ? [] : [...new Set(versions)].filter((v) => !SUPPORTED_BUNDLE.test(v)).sort();
  const conditions = [
    accepted ? condition("Accepted", true, "Accepted", "GatewayClass is accepted") : condition("Accepted", false, "InvalidParameters", problem),
    unsupported.length === 0
      ? condition("SupportedVersion", true, "SupportedVersion", "Gateway API CRD versions are supported")
      : condition("SupportedVersion", false, "UnsupportedVersion", `Gateway API CRDs of bundle version(s) ${unsupported.map((v) => quote(v)).join(", ")} are installed; this controller supports v1.6.x`),
  ];
  const features = [...(options.supportedFeatures ?? SUPPORTED_FEATURES)].sort().map((name) => ({ name }));
  return { ours: true, accepted, conditions, supportedFeatures: features, dependencies: deps.sorted() };
}

/** Why parametersRef cannot be resolved, or undefined when absent or resolved. */
function parametersProblem(objects: GatewayObjects, gc: GatewayClass, kinds: readonly ParametersKind[], deps: ReturnType<typeof createDependencySet>): string | undefined {
  const ref = gc.spec.parametersRef;
  if (ref === undefined) return undefined;
  const kind = kinds.find((k) => k.group === ref.group && k.kind === ref.kind);
  const shown = quote(`${ref.group}/${ref.kind}`);
  if (kind === undefined) return `spec.parametersRef: kind ${shown} is not supported`;
  if (kind.namespaced && (ref.namespace ?? "") === "") return `spec.parametersRef.namespace must be set for the namespaced kind ${shown}`;
  if (!kind.namespaced && (ref.namespace ?? "") !== "") return `spec.parametersRef.namespace must not be set for the cluster-scoped kind ${shown}`;
  const ns = kind.namespaced ? (ref.namespace ?? "") : "";
  deps.add(ref.kind, ns, ref.name);
  if (objects.get(ref.kind, ns, ref.name) === undefined) return `spec.parametersRef: ${ref.kind} ${quote(ns === "" ? ref.name : `${ns}/${ref.name}`)} not found`;
  return undefined;
}
