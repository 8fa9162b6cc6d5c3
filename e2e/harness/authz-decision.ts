// What the bed's authorization servers decide, shared by the gRPC and the HTTP one: like upstream's
// contour-authserver `testserver`, a request whose path contains "allow" is allowed, anything else is
// refused (401 from the gRPC server, as upstream's; 403 from the HTTP one), and the answer carries
// headers that show the server saw it: `Auth-Handler`, `Auth-Path` and one `Auth-Context-<key>` per
// context extension Envoy sent (the gRPC server only: HTTP checks carry no context).

/** One check as the server saw it. */
export interface AuthzCheck {
  readonly server: "grpc" | "grpc-tls" | "http";
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly context: Readonly<Record<string, string>>;
  /** Bytes of request body the check carried (with_request_body). */
  readonly bodyBytes: number;
  readonly allowed: boolean;
}

/** The decision and the headers of the answer. */
export interface AuthzDecision {
  readonly allowed: boolean;
  /** Headers added to the upstream request when allowed, sent to the client when refused. */
  readonly headers: readonly (readonly [string, string])[];
}

/** Canonical MIME header case, as Go's http.CanonicalHeaderKey: `auth-context-target` → `Auth-Context-Target`. */
export function canonicalHeaderKey(name: string): string {
  return name
    .split("-")
    .map((part) => (part === "" ? part : part[0]!.toUpperCase() + part.slice(1).toLowerCase()))
    .join("-");
}

/** Decides one check. `handler` names the server in Auth-Handler. */
export function decide(handler: string, path: string, context: Readonly<Record<string, string>>): AuthzDecision {
  // Only the path: the query string may not grant access.
  const pathOnly = path.split("?")[0] ?? "";
  const allowed = pathOnly.includes("allow");
  const headers: [string, string][] = [
    ["Auth-Handler", handler],
    ["Auth-Path", pathOnly],
  ];
  for (const key of Object.keys(context).sort()) headers.push([canonicalHeaderKey(`Auth-Context-${key}`), context[key] ?? ""]);
  return { allowed, headers };
}
