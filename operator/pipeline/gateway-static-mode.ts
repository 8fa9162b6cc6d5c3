// Upstream Contour's static Gateway mode (the config file's gateway.gatewayRef): serve exactly the
// one named Gateway, whatever its GatewayClass (its controller, even whether it exists), and leave
// every GatewayClass alone (no reconcile, no status). Done as a view of the cache that the pure
// reconcilers read, so they need no second code path.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Gateway, GatewayClass } from "../../crds/types/gateway-api/index.js";
import type { GatewayObjects } from "../../controllers/gateway/index.js";

/** The Gateway a static-mode contour serves. */
export interface GatewayRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * The cache as static mode sees it: the named Gateway is the only Gateway; its class (by its
 * `gatewayClassName`) is a class of `controllerName` with nothing else set; no GatewayClass is
 * listed, so none is reconciled or written. Everything else reads through.
 */
export function staticGatewayView(objects: GatewayObjects, ref: GatewayRef, controllerName: string): GatewayObjects {
  const gateway = (): Gateway | undefined => objects.get<Gateway>("Gateway", ref.namespace, ref.name);
  return {
    get<T extends KubernetesObject = KubernetesObject>(kind: string, namespace: string, name: string): T | undefined {
      if (kind === "Gateway") return namespace === ref.namespace && name === ref.name ? (gateway() as T | undefined) : undefined;
      if (kind === "GatewayClass") {
        const className = gateway()?.spec?.gatewayClassName;
        if (className === undefined || name !== className) return undefined;
        const synthetic: GatewayClass = { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: className }, spec: { controllerName } };
        return synthetic as unknown as T;
      }
      return objects.get<T>(kind, namespace, name);
    },
    list<T extends KubernetesObject = KubernetesObject>(kind: string, namespace?: string): readonly T[] {
      if (kind === "GatewayClass") return [];
      if (kind === "Gateway") {
        const found = gateway();
        return found === undefined || (namespace !== undefined && namespace !== ref.namespace) ? [] : [found as unknown as T];
      }
      return objects.list<T>(kind, namespace);
    },
  };
}
