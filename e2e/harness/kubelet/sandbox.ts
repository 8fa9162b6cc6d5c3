// How a container process starts: inside its pod's network namespace and a mount namespace of its
// own, where each volume is bind-mounted at its mountPath and /dev/shm is private (Envoys of two pods
// must not share hot-restart memory). A mountPath whose parent exists is made on an overlay of that
// parent, which only the container sees; a missing top-level folder (e.g. /config) is created on the
// host, listed in a ledger named after the test process, and removed when empty by this run or the next.
// While a run uses such a folder it holds a marker file in it (`.contour-e2e-<pid>`, hidden from its
// containers by their bind mounts): an rmdir on the host detaches the bind mounts made on that folder in
// every other mount namespace (Linux 3.18+), so one bed ending would otherwise pull /admin out from under
// another bed's Envoy (its admin socket vanishes and /ready never passes again); with a marker the rmdir
// fails with ENOTEMPTY, whichever version of this file the other run has.
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
const MARKER = (pid: number): string => `.contour-e2e-${pid}`;

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
  // One overlay per parent: a second one on the same folder would hide the first and every mount
  // made on it (two volumes under /etc, say /etc/secret-volume and /etc/configmap-volume).
  const overlaid = new Set<string>();
  for (const m of mounts) {
    const isFile = existsSync(m.source) && !readdirSafe(m.source);
    if (!existsSync(m.target)) {
      const parent = nearestExisting(dirname(m.target));
      if (parent === "/") {
        // Overlaying / would hide every other mount: make the top-level folder on the host instead.
        const top = `/${m.target.split("/").filter(Boolean)[0]}`;
        // A folder another bed made (it has a marker, or a ledger lists it) is shared: hold a marker in it too.
        if (!created.has(top) && (!existsSync(top) || bedMade(top))) {
          if (!existsSync(top)) mkdirSync(top);
          writeFileSync(join(top, MARKER(process.pid)), "");
          created.add(top);
          appendFileSync(ledger, `${top}\n`);
        }
      } else if (!overlaid.has(parent)) {
        overlaid.add(parent);
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

/** Removes this run's markers and those of dead runs, and each folder they held once it is empty. */
export function removeMountpoints(): void {
  const dirs = new Set(created);
  created.clear();
  rmSync(ledger, { force: true });
  for (const entry of readdirSafe(tmpdir()) ?? []) {
    const match = new RegExp(`^${LEDGER_PREFIX}(\\d+)$`).exec(entry);
    if (match?.[1] === undefined || isAlive(Number(match[1]))) continue;
    const file = join(tmpdir(), entry);
    for (const dir of readFileSafe(file).split("\n").filter(Boolean)) dirs.add(dir);
    rmSync(file, { force: true });
  }
  for (const dir of dirs) {
    for (const name of readdirSafe(dir) ?? []) {
      const pid = /^\.contour-e2e-(\d+)$/.exec(name)?.[1];
      if (pid !== undefined && (Number(pid) === process.pid || !isAlive(Number(pid)))) rmSync(join(dir, name), { force: true });
    }
    tryRmdir(dir);
  }
}

// Whether a top-level folder was made by a bed: it holds a marker, or some run's ledger lists it.
function bedMade(dir: string): boolean {
  if ((readdirSafe(dir) ?? []).some((n) => n.startsWith(".contour-e2e-"))) return true;
  return (readdirSafe(tmpdir()) ?? []).some((e) => e.startsWith(LEDGER_PREFIX) && readFileSafe(join(tmpdir(), e)).split("\n").includes(dir));
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function tryRmdir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty (another live run holds a marker, or someone else's files) or gone
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
