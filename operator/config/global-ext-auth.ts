// The config file's `globalExtAuth` (upstream's GlobalExternalAuthorization): the authorization server
// every HTTPProxy uses unless it has its own or disables it, and the plain-HTTP listener's ext_authz.
// Values arrive type-checked by parse-config-file.ts; here they become an AuthorizationServer the way
// upstream's servecontext.go builds one.
import type { AuthorizationServer } from "../../crds/types/httpproxy.js";
import type { AppliedValues } from "./envoy-options.js";

/** The global authorization server, or what is wrong with the file's values. */
export interface GlobalExtAuthResult {
  /** Absent when globalExtAuth.extensionService is not set (upstream ignores the rest then). */
  readonly value?: AuthorizationServer;
  readonly errors: string[];
}

const KEY = "globalExtAuth";

/** Reads globalExtAuth.* from the applied upstream keys. */
export function buildGlobalExtAuth(applied: AppliedValues): GlobalExtAuthResult {
  const get = (path: string): unknown => applied.get(`${KEY}.${path}`)?.value;
  const errors: string[] = [];
  const service = get("extensionService");
  if (typeof service !== "string" || service === "") return { errors };
  const parts = service.split("/");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
    errors.push(`${applied.get(`${KEY}.extensionService`)?.source ?? KEY}: must be <namespace>/<name> of an ExtensionService, got ${JSON.stringify(service)}`);
    return { errors };
  }
  const [namespace, name] = parts as [string, string];
  const context = get("authPolicy.context");
  const contextEntries = context !== null && typeof context === "object" ? Object.entries(context as Record<string, unknown>) : [];
  for (const [k, v] of contextEntries) {
    if (typeof v !== "string") errors.push(`${applied.get(`${KEY}.authPolicy.context`)?.source ?? KEY}: the value of ${JSON.stringify(k)} must be a string`);
  }
  const hasPolicy = get("authPolicy.disabled") !== undefined || context !== undefined;
  const hasBody = ["maxRequestBytes", "allowPartialMessage", "packAsBytes"].some((k) => get(`withRequestBody.${k}`) !== undefined);
  const value: AuthorizationServer = {
    extensionRef: { namespace, name },
    ...(typeof get("responseTimeout") === "string" ? { responseTimeout: get("responseTimeout") as string } : {}),
    ...(get("failOpen") === true ? { failOpen: true } : {}),
    ...(hasPolicy
      ? {
          authPolicy: {
            ...(get("authPolicy.disabled") === true ? { disabled: true } : {}),
            ...(contextEntries.length > 0 ? { context: Object.fromEntries(contextEntries.map(([k, v]) => [k, String(v)])) } : {}),
          },
        }
      : {}),
    ...(hasBody
      ? {
          withRequestBody: {
            ...(typeof get("withRequestBody.maxRequestBytes") === "number" ? { maxRequestBytes: get("withRequestBody.maxRequestBytes") as number } : {}),
            ...(get("withRequestBody.allowPartialMessage") === true ? { allowPartialMessage: true } : {}),
            ...(get("withRequestBody.packAsBytes") === true ? { packAsBytes: true } : {}),
          },
        }
      : {}),
  };
  return errors.length > 0 ? { errors } : { value, errors };
}
