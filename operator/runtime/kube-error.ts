// One error type for every Kubernetes API failure, whichever client raised it.

/** A failed API call: the HTTP status (undefined when no response arrived) and the Status reason if any. */
export class KubeError extends Error {
  override readonly name = "KubeError";
  constructor(
    message: string,
    /** HTTP status code, e.g. 404, 409, 410; undefined for network errors and timeouts. */
    readonly statusCode: number | undefined,
    /** The metav1.Status reason, e.g. "NotFound", "Conflict", "Expired". */
    readonly reason?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** Normalises anything thrown by client-node (ApiException's `code`, Watch's `statusCode`) or by us. */
  static from(err: unknown): KubeError {
    if (err instanceof KubeError) return err;
    const e = (typeof err === "object" && err !== null ? err : {}) as { code?: unknown; statusCode?: unknown; body?: unknown; message?: unknown };
    const status = typeof e.statusCode === "number" ? e.statusCode : typeof e.code === "number" ? e.code : undefined;
    const body = parseStatusBody(e.body);
    const message = body?.message ?? (typeof e.message === "string" ? e.message : String(err));
    return new KubeError(message, status, body?.reason, { cause: err });
  }
}

/** True for HTTP 404. */
export function isNotFound(err: unknown): boolean {
  return KubeError.from(err).statusCode === 404;
}

/** True for HTTP 409 (a stale resourceVersion, or AlreadyExists on create). */
export function isConflict(err: unknown): boolean {
  return KubeError.from(err).statusCode === 409;
}

// ApiException's body is the response text or the parsed Status, depending on the call.
function parseStatusBody(body: unknown): { message?: string; reason?: string } | undefined {
  let value = body;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== "object" || value === null) return undefined;
  const status = value as { message?: unknown; reason?: unknown };
  return {
    ...(typeof status.message === "string" ? { message: status.message } : {}),
    ...(typeof status.reason === "string" ? { reason: status.reason } : {}),
  };
}
