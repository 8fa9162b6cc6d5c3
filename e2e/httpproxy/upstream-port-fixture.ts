// What the ports of upstream's test/e2e/httpproxy files share, translated from upstream's framework
// (test/e2e/fixtures.go, http.go): an echo Service backed by a bed pod, a contour config file, and
// requests through Envoy retried until a condition holds (upstream's RequestUntil / SecureRequestUntil).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "mocha";
import { applyEndpointSlice, createService, ensureNamespace } from "../fixtures/kube-objects.js";
import type { Stack } from "../fixtures/stack.js";
import { httpGet, waitFor, type HttpRequestOptions, type HttpResponse } from "../harness/index.js";

/** Writes a contour config file (removed after the describe block) and returns its path. */
export function contourConfigFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "contour-port-"));
  const path = join(dir, "contour.yaml");
  writeFileSync(path, yaml);
  after(() => rmSync(dir, { recursive: true, force: true }));
  return path;
}

/**
 * Upstream's `f.Fixtures.Echo.Deploy(namespace, name)`: a Service `name` port 80 whose endpoint is the
 * bed pod of the same name (the pod answers with its name, as upstream's echo answers with its Service's).
 */
export async function deployEcho(stack: Stack, namespace: string, name: string): Promise<void> {
  const pod = stack.bed.pods.find((p) => p.name === name);
  if (pod === undefined) throw new Error(`deployEcho: the bed has no pod named ${name} (give it in useStack's pods)`);
  await ensureNamespace(stack.kube, namespace);
  await createService(stack.kube, namespace, name, [{ name: "http", port: 80 }]);
  await applyEndpointSlice(stack.kube, namespace, name, "http", [{ ip: pod.ip, port: pod.port }]);
}

/** The echo body's service (upstream's GetEchoResponseBody(...).Service): the answering pod's name. */
export function echoService(res: HttpResponse): string | undefined {
  try {
    return res.json<{ name?: string }>().name;
  } catch {
    return undefined;
  }
}

/** What a request through Envoy is: a path and request options (Host, SNI, headers...). */
export interface PortRequest extends HttpRequestOptions {
  readonly path?: string;
}

async function until(url: (path: string) => string, request: PortRequest, condition: (res: HttpResponse) => boolean, description: string): Promise<HttpResponse> {
  let last: HttpResponse | string = "no response yet";
  const { path = "/", ...options } = request;
  return waitFor(
    async () => {
      try {
        const res = await httpGet(url(path), { timeoutMs: 3000, ...options });
        last = res;
        return condition(res) ? res : undefined;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
        return undefined;
      }
    },
    { timeoutMs: 20_000, description: () => `${description} (last: ${typeof last === "string" ? last : `${last.status} ${last.body.slice(0, 200)}`})` },
  );
}

/** Upstream's f.HTTP.RequestUntil: plain HTTP to Envoy until `condition` holds. */
export function requestUntil(stack: Stack, request: PortRequest, condition: (res: HttpResponse) => boolean, description: string): Promise<HttpResponse> {
  return until((path) => `http://127.0.0.1:${stack.envoyPorts.http}${path}`, request, condition, description);
}

/** Upstream's f.HTTP.SecureRequestUntil: HTTPS to Envoy (SNI = Host unless given; certificates not verified, as upstream's InsecureSkipVerify). */
export function secureRequestUntil(stack: Stack, request: PortRequest, condition: (res: HttpResponse) => boolean, description: string): Promise<HttpResponse> {
  const servername = request.servername ?? request.host?.replace(/:\d+$/u, "");
  return until((path) => `https://127.0.0.1:${stack.envoyPorts.https}${path}`, { rejectUnauthorized: false, ...request, ...(servername === undefined ? {} : { servername }) }, condition, description);
}

/** Upstream's e2e.HasStatusCode. */
export const hasStatusCode = (code: number) => (res: HttpResponse): boolean => res.status === code;

/**
 * Upstream's loop over `cases := map[path]service`: each path requested until 200, then the answering
 * service compared; like upstream's assert (not require) every case is tried and all mismatches reported.
 */
export async function expectServicesByPath(stack: Stack, host: string, cases: Readonly<Record<string, string>>): Promise<void> {
  const failures: string[] = [];
  for (const [path, expectedService] of Object.entries(cases)) {
    try {
      const res = await requestUntil(stack, { host, path }, hasStatusCode(200), `expected 200 response code on ${path}`);
      const got = echoService(res);
      if (got !== expectedService) failures.push(`${path}: expected service ${expectedService}, got ${String(got)}`);
    } catch (err) {
      failures.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (failures.length > 0) throw new Error(failures.join("; "));
}
