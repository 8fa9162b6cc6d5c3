import type { V1Service, V1ServiceBackendPort, V1ServicePort } from "@kubernetes/client-node";
import type { Condition } from "../store/fragment.js";
import type { ObjectCache, ObjectKey } from "../source/object-cache.js";
import { errorCondition, quote } from "../store/conditions.js";

/** A Service port a backend resolved to, or the error condition explaining why it did not. */
export type ServicePortLookup =
  | { readonly ok: true; readonly service: V1Service; readonly port: V1ServicePort; readonly dependency: ObjectKey }
  | { readonly ok: false; readonly condition: Condition; readonly dependency: ObjectKey };

/**
 * Finds the port of a Service that a backend names by number or by name, as upstream's
 * KubernetesCache.LookupService does; `field` is the path of the backend in its object, for messages.
 * The Service is a dependency whether found or not: creating it later must re-run the reconcile.
 */
export function lookupServicePort(
  cache: ObjectCache,
  namespace: string,
  name: string,
  backendPort: V1ServiceBackendPort | undefined,
  field: string,
  /** Protocols the caller can proxy: TCP, or UDP for a Gateway API UDPRoute. */
  protocols: readonly string[] = ["TCP"],
  /** HTTPProxy's: whether ExternalName Services may be used (the config file's enableExternalNameService); unset: never. */
  externalName?: { readonly enabled: boolean },
): ServicePortLookup {
  const dependency: ObjectKey = { kind: "Service", namespace, name };
  const fail = (reason: string, message: string): ServicePortLookup => ({ ok: false, condition: errorCondition(reason, `${field}: ${message}`), dependency });
  const wantName = backendPort?.name ?? "";
  const wantNumber = backendPort?.number;
  if (wantName === "" && wantNumber === undefined) return fail("InvalidBackend", "neither port.number nor port.name is set");
  if (wantName !== "" && wantNumber !== undefined) return fail("InvalidBackend", "port.number and port.name are both set");

  const service = cache.get<V1Service>("Service", namespace, name);
  const display = quote(`${namespace}/${name}`, 128);
  if (service === undefined) return fail("ServiceNotFound", `Service ${display} not found`);
  // Upstream routes to ExternalName Services only when an operator enables it (GHSA-5ph6-qq5x-7jwc); the model cannot express them at all yet.
  if (service.spec?.type === "ExternalName") {
    if (externalName === undefined) return fail("UnsupportedServiceType", `Service ${display} is of type ExternalName, which is not supported`);
    const problem = externalNameProblem(service, externalName.enabled);
    if (problem !== undefined) return fail("UnsupportedServiceType", problem);
  }

  const port = (service.spec?.ports ?? []).find((p) => (wantName !== "" ? p.name === wantName : p.port === wantNumber));
  if (port === undefined) {
    const wanted = wantName !== "" ? `named ${quote(wantName)}` : String(wantNumber);
    return fail("ServicePortNotFound", `Service ${display} has no port ${wanted}`);
  }
  const protocol = port.protocol ?? "TCP";
  if (!protocols.includes(protocol)) return fail("UnsupportedServiceProtocol", `port ${port.port} of Service ${display} uses protocol ${quote(protocol)}; only ${protocols.join(", ")} is supported`);
  return { ok: true, service, port, dependency };
}

/** Names upstream refuses as an ExternalName target: they would point Envoy at itself (its admin port). */
const LOCALHOST_NAMES: ReadonlySet<string> = new Set(["localhost", "localhost.localdomain", "local.projectcontour.io"]);

/** Upstream's validateExternalName, its messages word for word; undefined when the Service may be used. */
function externalNameProblem(service: V1Service, enabled: boolean): string | undefined {
  const id = `${service.metadata?.namespace ?? ""}/${service.metadata?.name ?? ""}`;
  if (!enabled) return `${id} is an ExternalName service, these are not currently enabled. See the config.enableExternalNameService config file setting`;
  const target = service.spec?.externalName ?? "";
  if (target === "") return `${id} is an ExternalName service without spec.externalName`;
  if (LOCALHOST_NAMES.has(target.toLowerCase())) return `${id} is an ExternalName service that points to localhost, this is not allowed`;
  return undefined;
}
