import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { parseBootstrapArgs } from "../../operator/commands/bootstrap.js";
import { parseCertgenArgs } from "../../operator/commands/certgen.js";
import { envoyArgsErrors } from "../../operator/commands/envoy.js";
import { loadServeConfig } from "../../operator/config/index.js";
import { KIND_RESOURCES } from "../../operator/runtime/kinds.js";
import { renderInstallManifest } from "./render.js";

// Compiled to dist/config/install/: the repository root is three levels up.
const root = fileURLToPath(new URL("../../../", import.meta.url));
const OUR_IMAGE = "contour:latest";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: any };
const load = (file: string): Obj[] =>
  parseAllDocuments(readFileSync(join(root, "config", "install", file), "utf8")).map((d) => {
    assert.deepEqual(d.errors, [], `${file}: ${d.errors.join("; ")}`);
    return d.toJS() as Obj;
  }).filter((o) => o !== null);

/** Every container (init ones too) of a workload, with the pod spec it is in. */
function containers(objects: Obj[]): { owner: string; pod: any; container: any; init: boolean }[] {
  return objects.flatMap((o) => {
    const pod = o["spec"]?.template?.spec;
    if (pod === undefined) return [];
    return [...(pod.initContainers ?? []).map((c: any) => ({ c, init: true })), ...pod.containers.map((c: any) => ({ c, init: false }))].map(({ c, init }) => ({ owner: `${o.kind}/${o.metadata.name}`, pod, container: c, init }));
  });
}

/** What the kubelet does to $(VAR) in args: substitute from the container's env (fieldRefs as a pod would get them). */
function expand(arg: string, container: any): string {
  return arg.replace(/\$\(([A-Z_]+)\)/g, (_m, name: string) => (container.env ?? []).some((e: any) => e.name === name) ? (name === "CONTOUR_NAMESPACE" ? "projectcontour" : "pod-0") : `$(${name})`);
}

describe("config/install", () => {
  const manifest = load("contour.yaml");
  const gateway = load("gateway-api.yaml");

  it("contour.yaml is the rendering of crds/ and config/install/parts/ (run `make install-manifests`)", () => {
    assert.equal(readFileSync(join(root, "config", "install", "contour.yaml"), "utf8"), renderInstallManifest(root));
  });

  it("holds the objects of upstream's quickstart", () => {
    const names = manifest.map((o) => `${o.kind}/${o.metadata.name}`);
    for (const want of [
      "Namespace/projectcontour", "ServiceAccount/contour", "ServiceAccount/envoy", "ServiceAccount/contour-certgen", "ConfigMap/contour",
      "CustomResourceDefinition/httpproxies.projectcontour.io", "CustomResourceDefinition/tlscertificatedelegations.projectcontour.io",
      "Role/contour-certgen", "RoleBinding/contour-certgen", "Job/contour-certgen", "ClusterRole/contour", "ClusterRoleBinding/contour",
      "Role/contour", "RoleBinding/contour", "Service/contour", "Service/envoy", "Deployment/contour", "DaemonSet/envoy",
    ]) assert.ok(names.includes(want), `missing ${want}`);
    assert.ok(manifest.every((o) => typeof o.apiVersion === "string" && typeof o.kind === "string" && typeof o.metadata?.name === "string"));
    assert.ok(!manifest.some((o) => o.apiVersion.startsWith("gateway.networking.k8s.io") || o.metadata.name.includes("gateway")), "Gateway API parts live in gateway-api.yaml");
    assert.deepEqual(gateway.map((o) => o.kind), ["ClusterRole", "ClusterRoleBinding"]);
  });

  it("passes only flags and config keys `contour` accepts, without a warning", () => {
    const configMap = manifest.find((o) => o.kind === "ConfigMap" && o.metadata.name === "contour");
    const files = (path: string) => {
      if (path === "/config/contour.yaml") return configMap?.["data"]["contour.yaml"] as string;
      throw new Error(`ENOENT ${path}`);
    };
    const ours = containers(manifest).filter((c) => c.container.image === OUR_IMAGE);
    const commandLines = ours.flatMap(({ container }) => {
      const lines = [(container.args as string[]).map((a) => expand(a, container))];
      const preStop = container.lifecycle?.preStop?.exec?.command as string[] | undefined;
      if (preStop !== undefined) lines.push(preStop.slice(1));
      return lines.map((args) => ({ name: container.name as string, args }));
    });
    assert.equal(commandLines.length, 5, "certgen, contour, envoy-initconfig, shutdown-manager and its preStop");
    for (const { name, args } of commandLines) {
      const [command, ...rest] = args;
      const context = `${name}: contour ${args.join(" ")}`;
      if (command === "serve") {
        const result = loadServeConfig(rest, files, { CONTOUR_NAMESPACE: "projectcontour", KUBERNETES_SERVICE_HOST: "198.18.0.1", KUBERNETES_SERVICE_PORT: "443" });
        assert.ok("config" in result, `${context}: ${JSON.stringify(result)}`);
        assert.deepEqual(result.warnings, [], context);
      } else if (command === "bootstrap") {
        const result = parseBootstrapArgs(rest, { CONTOUR_NAMESPACE: "projectcontour" });
        assert.equal(result.kind, "run", `${context}: ${result.kind === "error" ? result.message : ""}`);
        if (result.kind === "run") assert.deepEqual(result.warnings, [], context);
      } else if (command === "certgen") {
        const result = parseCertgenArgs(rest, { CONTOUR_NAMESPACE: "projectcontour", KUBERNETES_SERVICE_HOST: "198.18.0.1", KUBERNETES_SERVICE_PORT: "443" });
        assert.equal(result.kind, "run", `${context}: ${result.kind === "error" ? result.message : ""}`);
      } else if (command === "envoy") {
        assert.deepEqual(envoyArgsErrors(rest), [], context);
      } else {
        assert.fail(`${context}: not a contour command`);
      }
    }
  });

  it("runs every container as non-root with a read-only root filesystem and no privilege escalation", () => {
    for (const { owner, pod, container } of containers(manifest)) {
      assert.equal(pod.securityContext?.runAsNonRoot, true, `${owner}`);
      assert.equal(container.securityContext?.readOnlyRootFilesystem, true, `${owner}/${container.name}`);
      assert.equal(container.securityContext?.allowPrivilegeEscalation, false, `${owner}/${container.name}`);
      assert.deepEqual(container.securityContext?.capabilities?.drop, ["ALL"], `${owner}/${container.name}`);
    }
  });

  it("probes contour and Envoy", () => {
    const byName = new Map(containers(manifest).map((c) => [c.container.name as string, c.container]));
    assert.equal(byName.get("contour")?.readinessProbe?.httpGet?.path, "/readyz");
    assert.equal(byName.get("contour")?.livenessProbe?.httpGet?.path, "/healthz");
    assert.deepEqual(byName.get("envoy")?.readinessProbe?.httpGet, { path: "/ready", port: 8002 });
    assert.deepEqual(byName.get("envoy")?.lifecycle?.preStop?.httpGet, { path: "/shutdown", port: 8090, scheme: "HTTP" });
  });

  it("grants contour read access to exactly the kinds it watches, and writes only to status and its Lease", () => {
    const rulesOf = (objects: Obj[], name: string) => {
      const read = new Set<string>();
      const write = new Set<string>();
      for (const rule of objects.find((o) => o.kind === "ClusterRole" && o.metadata.name === name)?.["rules"] ?? []) {
        for (const group of rule.apiGroups) for (const resource of rule.resources) (rule.verbs.includes("list") ? read : write).add(`${resource}.${group}`);
        if (rule.verbs.includes("list")) assert.deepEqual(rule.verbs, ["get", "list", "watch"]);
        else if (rule.resources.includes("services") || rule.resources.includes("endpointslices")) assert.deepEqual(rule.verbs, ["create", "update", "delete"]);
        else assert.deepEqual(rule.verbs, ["update"]);
      }
      return { read, write };
    };
    const core = rulesOf(manifest, "contour");
    const gatewayApi = rulesOf(gateway, "contour-gateway-api");
    const isGatewayApi = (r: string) => r.endsWith(".gateway.networking.k8s.io");
    const watched = Object.values(KIND_RESOURCES).map((k) => `${k.plural}.${k.group}`);
    // A kind contour starts watching needs its rule here (Gateway API kinds in gateway-api.yaml), and nothing more.
    assert.deepEqual([...core.read].sort(), watched.filter((r) => !isGatewayApi(r)).sort());
    for (const r of watched.filter(isGatewayApi)) assert.ok(gatewayApi.read.has(r), `gateway-api.yaml lacks ${r}`);
    // Besides Gateway API kinds, only the Services (and their EndpointSlices) the leader owns for Gateways.
    assert.ok([...gatewayApi.read, ...gatewayApi.write].every((r) => isGatewayApi(r) || r === "services." || r === "endpointslices.discovery.k8s.io"), "gateway-api.yaml grants only Gateway API kinds and owned Services");
    assert.deepEqual([...core.write].sort(), ["httpproxies/status.projectcontour.io", "ingresses/status.networking.k8s.io"]);
    const lease = manifest.find((o) => o.kind === "Role" && o.metadata.name === "contour");
    // In its own namespace: the Lease, and the ContourConfiguration of --contour-config-name (read, and Valid reported on it).
    assert.deepEqual(lease?.["rules"], [
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create", "get", "update"] },
      { apiGroups: ["projectcontour.io"], resources: ["contourconfigurations"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["projectcontour.io"], resources: ["contourconfigurations/status"], verbs: ["update"] },
    ]);
  });
});
