// How a container process starts: inside its pod's network namespace and a mount namespace of its
// own, where each volume is bind-mounted at its mountPath and /dev/shm is private (Envoys of two pods
// must not share hot-restart memory). A mountPath whose parent exists is made on an overlay of that
// parent, which only the container sees; a missing top-level folder (e.g. /config) is created on the
// host, listed in a ledger named after the test process, and removed when empty by this run or the next.
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { isAlive } from "../run-dir.js";

/** One bind mount of a container. */
export interface Mount {
  /** The volume's folder (or file, with subPath) on the host. */
  readonly source: string;
  /** The mountPath inside the container. */
  readonly target: string;
  readonly readOnly: boolean;
}

/** A command line that runs `command args` in the pod's namespaces with the mounts. */
export interface SandboxCommand {
  readonly command: string;
  readonly args: string[];
}

const LEDGER_PREFIX = "contour-e2e-mountpoints-";
const ledger = join(tmpdir(), `${LEDGER_PREFIX}${process.pid}`);
const created = new Set<string>();

/**
 * Writes the mount script for one container into `scriptDir` and returns the command that runs it.
 * The container also gets a UTS namespace whose hostname is the pod's name (leader-election identities
 * are built from it), and stdout/stderr that are pipes as under a container runtime: Node gives a child
 * socketpairs, and opening /dev/stdout on a socket fails with ENXIO (Envoy's access log does that).
 */
export function sandboxCommand(ip: string, netns: string, scriptDir: string, mounts: readonly Mount[], command: string, args: readonly string[], hostname?: string): SandboxCommand {
  const lines = ["set -eu", "mount -t tmpfs -o size=64m,mode=1777 shm /dev/shm"];
  if (hostname !== undefined) lines.push(`echo ${q(hostname.slice(0, 63))} > /proc/sys/kernel/hostname`);
  let overlay = 0;
  for (const m of mounts) {
    const isFile = existsSync(m.source) && !readdirSafe(m.source);
    if (!existsSync(m.target)) {
      const parent = nearestExisting(dirname(m.target));
      if (parent === "/") {
        // Overlaying / would hide every other mount: make the top-level folder on the host instead.
        const top = `/${m.target.split("/").filter(Boolean)[0]}`;
        if (!existsSync(top)) {
          mkdirSync(top);
          created.add(top);
          appendFileSync(ledger, `${top}\n`);
        }
      } else {
        const work = join(scriptDir, `overlay-${overlay++}`);
        mkdirSync(work, { recursive: true });
        lines.push(
          `mount -t tmpfs tmpfs ${q(work)}`,
          `mkdir -p ${q(`${work}/upper`)} ${q(`${work}/work`)}`,
          `mount -t overlay overlay -o ${q(`lowerdir=${parent},upperdir=${work}/upper,workdir=${work}/work`)} ${q(parent)}`,
        );
      }
    }
    lines.push(isFile ? `mkdir -p ${q(dirname(m.target))}; [ -e ${q(m.target)} ] || : > ${q(m.target)}` : `mkdir -p ${q(m.target)}`);
    lines.push(`mount --bind ${q(m.source)} ${q(m.target)}`);
    if (m.readOnly) lines.push(`mount -o remount,bind,ro ${q(m.target)}`);
  }
  lines.push('exec "$@" > >(exec cat) 2> >(exec cat >&2)');
  const script = join(scriptDir, "mounts.sh");
  mkdirSync(scriptDir, { recursive: true });
  writeFileSync(script, lines.join("\n") + "\n");
  return { command: ip, args: ["netns", "exec", netns, "unshare", "--mount", "--uts", "--propagation", "private", "/bin/bash", script, command, ...args] };
}

/** Removes the top-level folders this run created (if empty) and those of dead runs. */
export function removeMountpoints(): void {
  for (const dir of created) tryRmdir(dir);
  created.clear();
  rmSync(ledger, { force: true });
  for (const entry of readdirSafe(tmpdir()) ?? []) {
    const match = new RegExp(`^${LEDGER_PREFIX}(\\d+)$`).exec(entry);
    if (match?.[1] === undefined || isAlive(Number(match[1]))) continue;
    const file = join(tmpdir(), entry);
    for (const dir of readFileSync(file, "utf8").split("\n").filter(Boolean)) tryRmdir(dir);
    rmSync(file, { force: true });
  }
}

function tryRmdir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (someone else's now) or gone
  }
}

function nearestExisting(dir: string): string {
  let d = dir;
  while (!existsSync(d)) d = dirname(d);
  return d;
}

// The entries of a folder, or undefined if it is not one.
function readdirSafe(path: string): string[] | undefined {
  try {
    return readdirSync(path);
  } catch {
    return undefined;
  }
}

function q(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
