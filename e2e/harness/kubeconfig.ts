// The kubeconfig file of a test-bed API server, for our client code, for contour, and for a human's kubectl.
import { writeFileSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";
import { stringify } from "yaml";

/** What a kubeconfig needs to reach the test-bed API server as admin. */
export interface KubeconfigOptions {
  /** https://127.0.0.1:<port> */
  server: string;
  /** Bearer token of the admin user. */
  token: string;
  /** PEM of the CA that signed the serving certificate. */
  caPem: string;
  /** Name of the cluster, user and context; default "contour-e2e". */
  name?: string;
}

/** Writes a kubeconfig (YAML, token auth, real CA) to `path`. */
export function writeKubeconfig(path: string, options: KubeconfigOptions): void {
  const name = options.name ?? "contour-e2e";
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name,
        cluster: { server: options.server, "certificate-authority-data": Buffer.from(options.caPem).toString("base64") },
      },
    ],
    users: [{ name, user: { token: options.token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
  };
  // 0600: it holds an admin token (short-lived, but kubectl warns about readable kubeconfigs).
  writeFileSync(path, stringify(config), { mode: 0o600 });
}

/** A client-node KubeConfig loaded from the file, so tests exercise the same file contour reads. */
export function loadKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}
