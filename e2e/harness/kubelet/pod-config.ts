// What a container needs before it starts: its environment (value, fieldRef, secretKeyRef,
// configMapKeyRef, envFrom, $(VAR) expansion) and its volumes (secret, configMap, emptyDir,
// downwardAPI, projected) written as files in the pod's folder.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import type { V1Container, V1Pod, V1Volume } from "@kubernetes/client-node";
import { ApiError, type ApiClient } from "./api.js";

/** A reason and message for the container's waiting state when its config cannot be built. */
export class ConfigError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The pod fields a fieldRef reads that the API object lacks until the kubelet writes status. */
export interface PodRuntimeFields {
  readonly podIP: string;
  readonly hostIP: string;
}

type Data = Record<string, string>;

/** Reads Secrets and ConfigMaps of one namespace (base64-decoded), caching within one pod start. */
export function objectReader(api: ApiClient, namespace: string): (kind: "Secret" | "ConfigMap", name: string) => Promise<Data | undefined> {
  const cache = new Map<string, Promise<Data | undefined>>();
  return (kind, name) => {
    const key = `${kind}/${name}`;
    let found = cache.get(key);
    if (found === undefined) {
      const path = `/api/v1/namespaces/${namespace}/${kind === "Secret" ? "secrets" : "configmaps"}/${name}`;
      found = api.request<{ data?: Data; binaryData?: Data }>("GET", path).then(
        (o) => {
          if (kind === "Secret") return Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("binary")]));
          return { ...o.data, ...Object.fromEntries(Object.entries(o.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("binary")])) };
        },
        (err: unknown) => {
          if (err instanceof ApiError && err.status === 404) return undefined;
          throw err;
        },
      );
      cache.set(key, found);
    }
    return found;
  };
}

/** The value of a fieldRef path, e.g. metadata.name or metadata.labels['app']. */
export function fieldValue(pod: V1Pod, fields: PodRuntimeFields, path: string): string {
  const bracket = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (bracket !== null) {
    const map = bracket[1] === "labels" ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[bracket[2] ?? ""] ?? "";
  }
  switch (path) {
    case "metadata.name":
      return pod.metadata?.name ?? "";
    case "metadata.namespace":
      return pod.metadata?.namespace ?? "";
    case "metadata.uid":
      return pod.metadata?.uid ?? "";
    case "spec.nodeName":
      return pod.spec?.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec?.serviceAccountName ?? "default";
    case "status.podIP":
    case "status.podIPs":
      return fields.podIP;
    case "status.hostIP":
    case "status.hostIPs":
      return fields.hostIP;
    default:
      throw new ConfigError("CreateContainerConfigError", `fieldRef ${path} is not supported by the e2e kubelet`);
  }
}

/** Replaces $(NAME) with the variable's value ($$ escapes), as the kubelet does in env, command and args. */
export function expandVars(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return "$";
    return env[name] ?? match;
  });
}

/** The container's environment, in order, as the kubelet resolves it. */
export async function containerEnv(pod: V1Pod, container: V1Container, fields: PodRuntimeFields, read: ReturnType<typeof objectReader>): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef !== undefined ? "ConfigMap" : "Secret";
    if (ref === undefined) continue;
    const data = await read(kind, ref.name ?? "");
    if (data === undefined) {
      if (ref.optional === true) continue;
      throw new ConfigError("CreateContainerConfigError", `${kind.toLowerCase()} "${ref.name}" not found`);
    }
    for (const [k, v] of Object.entries(data)) env[`${source.prefix ?? ""}${k}`] = v;
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (from === undefined) {
      env[variable.name] = expandVars(variable.value ?? "", env);
    } else if (from.fieldRef !== undefined) {
      env[variable.name] = fieldValue(pod, fields, from.fieldRef.fieldPath);
    } else if (from.secretKeyRef !== undefined || from.configMapKeyRef !== undefined) {
      const ref = (from.secretKeyRef ?? from.configMapKeyRef)!;
      const kind = from.secretKeyRef !== undefined ? "Secret" : "ConfigMap";
      const data = await read(kind, ref.name ?? "");
      const value = data?.[ref.key];
      if (value === undefined) {
        if (ref.optional === true) continue;
        const what = data === undefined ? `${kind.toLowerCase()} "${ref.name}" not found` : `couldn't find key ${ref.key} in ${kind} ${pod.metadata?.namespace}/${ref.name}`;
        throw new ConfigError("CreateContainerConfigError", what);
      }
      env[variable.name] = value;
    } else if (from.resourceFieldRef !== undefined) {
      // No resource accounting on the bed: report the machine's figures as a node without limits would.
      env[variable.name] = from.resourceFieldRef.resource.startsWith("limits.cpu") ? "2" : "0";
    } else {
      throw new ConfigError("CreateContainerConfigError", `env ${variable.name}: unsupported valueFrom`);
    }
  }
  return env;
}

/** Asks the API server for a token of the pod's ServiceAccount (TokenRequest bound to the pod). */
export type TokenRequester = (audience: string | undefined, expirationSeconds: number) => Promise<string>;

/** The TokenRequest call a kubelet makes for a projected serviceAccountToken. */
export function tokenRequester(api: ApiClient, pod: V1Pod): TokenRequester {
  return async (audience, expirationSeconds) => {
    const sa = pod.spec?.serviceAccountName ?? "default";
    const answer = await api.request<{ status?: { token?: string } }>("POST", `/api/v1/namespaces/${pod.metadata?.namespace}/serviceaccounts/${sa}/token`, {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenRequest",
      spec: {
        ...(audience !== undefined && audience !== "" ? { audiences: [audience] } : {}),
        expirationSeconds,
        boundObjectRef: { apiVersion: "v1", kind: "Pod", name: pod.metadata?.name, uid: pod.metadata?.uid },
      },
    });
    if (answer.status?.token === undefined) throw new ConfigError("CreateContainerConfigError", `no token for ServiceAccount ${sa}`);
    return answer.status.token;
  };
}

/** Writes every volume of the pod under `dir`/<volume name>; returns the folder of each volume. */
export async function materialiseVolumes(pod: V1Pod, dir: string, fields: PodRuntimeFields, read: ReturnType<typeof objectReader>, token?: TokenRequester): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const volume of pod.spec?.volumes ?? []) {
    const target = join(dir, volume.name);
    mkdirSync(target, { recursive: true });
    await writeVolume(pod, volume, target, fields, read, token);
    paths.set(volume.name, target);
  }
  return paths;
}

async function writeVolume(pod: V1Pod, volume: V1Volume, target: string, fields: PodRuntimeFields, read: ReturnType<typeof objectReader>, token: TokenRequester | undefined): Promise<void> {
  if (volume.emptyDir !== undefined) return;
  if (volume.secret !== undefined || volume.configMap !== undefined) {
    const kind = volume.secret !== undefined ? "Secret" : "ConfigMap";
    const name = volume.secret?.secretName ?? volume.configMap?.name ?? "";
    const source = volume.secret ?? volume.configMap!;
    await writeKeys(kind, name, source.items, source.optional, source.defaultMode, target, read, `volume ${volume.name}`);
    return;
  }
  if (volume.downwardAPI !== undefined) {
    for (const item of volume.downwardAPI.items ?? []) {
      if (item.fieldRef !== undefined) writeFile(target, item.path, fieldValue(pod, fields, item.fieldRef.fieldPath), item.mode);
    }
    return;
  }
  if (volume.projected !== undefined) {
    for (const source of volume.projected.sources ?? []) {
      if (source.secret !== undefined || source.configMap !== undefined) {
        const kind = source.secret !== undefined ? "Secret" : "ConfigMap";
        const ref = (source.secret ?? source.configMap)!;
        await writeKeys(kind, ref.name ?? "", ref.items, ref.optional, volume.projected.defaultMode, target, read, `volume ${volume.name}`);
      } else if (source.serviceAccountToken !== undefined && token !== undefined) {
        // Not refreshed: a bed lives far shorter than the token (default 1 h).
        const t = source.serviceAccountToken;
        writeFile(target, t.path, await token(t.audience, t.expirationSeconds ?? 3607), volume.projected.defaultMode ?? 0o644);
      } else if (source.downwardAPI !== undefined) {
        for (const item of source.downwardAPI.items ?? []) {
          if (item.fieldRef !== undefined) writeFile(target, item.path, fieldValue(pod, fields, item.fieldRef.fieldPath), item.mode);
        }
      } else {
        throw new ConfigError("CreateContainerConfigError", `volume ${volume.name}: projected source ${Object.keys(source).join(",")} is not supported by the e2e kubelet`);
      }
    }
    return;
  }
  const kinds = Object.keys(volume).filter((k) => k !== "name");
  throw new ConfigError("CreateContainerConfigError", `volume ${volume.name}: ${kinds.join(",")} volumes are not supported by the e2e kubelet`);
}

async function writeKeys(
  kind: "Secret" | "ConfigMap",
  name: string,
  items: ReadonlyArray<{ key: string; path: string; mode?: number }> | undefined,
  optional: boolean | undefined,
  defaultMode: number | undefined,
  target: string,
  read: ReturnType<typeof objectReader>,
  what: string,
): Promise<void> {
  const data = await read(kind, name);
  if (data === undefined) {
    if (optional === true) return;
    throw new ConfigError("CreateContainerConfigError", `${what}: ${kind.toLowerCase()} "${name}" not found`);
  }
  const chosen = items ?? Object.keys(data).map((key) => ({ key, path: key, mode: undefined }));
  for (const item of chosen) {
    const value = data[item.key];
    if (value === undefined) {
      if (optional === true) continue;
      throw new ConfigError("CreateContainerConfigError", `${what}: ${kind} ${name} has no key ${item.key}`);
    }
    writeFile(target, item.path, value, item.mode ?? defaultMode);
  }
}

function writeFile(dir: string, path: string, value: string, mode: number | undefined): void {
  const file = normalize(join(dir, path));
  if (!file.startsWith(dir + "/")) throw new ConfigError("CreateContainerConfigError", `volume path ${path} leaves its volume`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Buffer.from(value, "binary"));
  chmodSync(file, mode ?? 0o644);
}
