// The image map: which local program a container image runs, since the bed has no container runtime.
// An image not in the map is not pulled: the kubelet reports ErrImagePull naming it.
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { resolveTool } from "../tools.js";

/** What a container runs: the program and its arguments. */
export interface ImageCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** A container as the image map sees it. */
export interface ContainerLaunch {
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
}

/** One image family: its repositories (any tag or digest) and how a container of it starts. */
export interface ImageEntry {
  /** Repository names without tag, e.g. "registry.k8s.io/gateway-api/echo-basic". */
  readonly repositories: readonly string[];
  /** The program, resolved when a container starts (so a missing tool fails that pod, naming the tool). */
  launch(container: ContainerLaunch): ImageCommand;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const STUB = join(HERE, "coredns-stub.js");
/** The compiled CLI (dist/operator/main.js), from dist/e2e/harness/kubelet/. */
export const CONTOUR_CLI = join(HERE, "..", "..", "..", "operator", "main.js");

/** The images the bed can run. */
export const DEFAULT_IMAGES: readonly ImageEntry[] = [
  {
    // The Gateway API conformance backend; its image's entrypoint is the binary itself.
    repositories: ["registry.k8s.io/gateway-api/echo-basic", "gcr.io/k8s-staging-gateway-api/echo-basic"],
    launch: (c) => ({ command: resolveTool("echo-basic"), args: [...(c.command ?? []).slice(1), ...(c.args ?? [])] }),
  },
  {
    // Stands in for CoreDNS: stays up (the suite only needs its pod Ready).
    repositories: ["registry.k8s.io/coredns/coredns", "coredns/coredns", "docker.io/coredns/coredns"],
    launch: (c) => ({ command: process.execPath, args: [STUB, ...(c.args ?? [])] }),
  },
  {
    // Envoy's images run `envoy <args>`; a pod's `command: [envoy]` (or none) maps to the bed's Envoy.
    repositories: ["envoyproxy/envoy", "docker.io/envoyproxy/envoy", "envoyproxy/envoy-distroless", "docker.io/envoyproxy/envoy-distroless"],
    launch: (c) => {
      const command = c.command ?? [];
      const program = command[0];
      if (program !== undefined && !/(^|\/)envoy$/.test(program)) {
        throw new Error(`image ${c.image}: only the envoy command runs here, not ${program}`);
      }
      return { command: resolveTool("envoy"), args: [...command.slice(1), ...(c.args ?? ["-c", "/etc/envoy/envoy.yaml"])] };
    },
  },
  {
    // Upstream's image and ours: `contour <args>` (command contour or /bin/contour, or none) runs the compiled CLI.
    repositories: ["ghcr.io/projectcontour/contour", "docker.io/projectcontour/contour", "projectcontour/contour", "contour", "docker.io/library/contour"],
    launch: (c) => contourCommand(c),
  },
];

/** The compiled CLI with a contour container's arguments (its command, if any, must be contour). */
export function contourCommand(c: ContainerLaunch): ImageCommand {
  const command = c.command ?? [];
  const program = command[0];
  if (program !== undefined && !/(^|\/)contour$/.test(program)) throw new Error(`image ${c.image}: only the contour command runs here, not ${program}`);
  return { command: process.execPath, args: ["--enable-source-maps", CONTOUR_CLI, ...command.slice(1), ...(c.args ?? [])] };
}

/** The repository of an image reference: without tag or digest, e.g. "envoyproxy/envoy". */
export function imageRepository(image: string): string {
  const at = image.indexOf("@");
  const withoutDigest = at >= 0 ? image.slice(0, at) : image;
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.indexOf(":", lastSlash + 1);
  return colon >= 0 ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** The entry that runs `image`, or undefined (the pod then reports ErrImagePull). */
export function findImage(images: readonly ImageEntry[], image: string): ImageEntry | undefined {
  const repository = imageRepository(image);
  return images.find((entry) => entry.repositories.includes(repository));
}
