// One fresh temp dir per test-bed run: config, logs and data of every process. Kept under
// e2e-logs/ when a test fails (without the bulky data dirs), removed when everything passed.
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { findRepoRoot } from "./tools.js";
import { onInterrupt } from "./processes.js";

/** The temp dir of one run. */
export interface RunDir {
  /** Absolute path of the dir. */
  readonly path: string;
  /** Label used in the kept-logs dir name, e.g. the spec name. */
  readonly label: string;
  /** Absolute path of a file directly in the run dir. */
  file(name: string): string;
  /** A sub-dir that is created now and left out when logs are kept (e.g. etcd's data). */
  scratchDir(name: string): string;
  /** Copies the run dir (minus scratch dirs) to e2e-logs/<label>-<timestamp>/ and returns that path. */
  keepLogs(): string;
  /** Deletes the run dir. */
  remove(): void;
}

/** Creates a fresh temp dir for a run labelled `label` (sanitised for use in a path). */
export function createRunDir(label: string): RunDir {
  sweepAbandonedRunDirs();
  const safeLabel = slugify(label);
  const path = mkdtempSync(join(tmpdir(), `${PREFIX}${safeLabel.slice(0, 40)}-`));
  writeFileSync(join(path, OWNER_FILE), String(process.pid));
  const scratch = new Set<string>();
  let removed = false;
  const unregister = onInterrupt(() => rmSync(path, { recursive: true, force: true }));

  return {
    path,
    label: safeLabel,
    file: (name) => join(path, name),
    scratchDir(name) {
      const dir = join(path, name);
      mkdirSync(dir, { recursive: true });
      scratch.add(dir);
      return dir;
    },
    keepLogs() {
      const dest = join(findRepoRoot(), "e2e-logs", `${safeLabel}-${timestamp()}`);
      mkdirSync(dest, { recursive: true });
      cpSync(path, dest, {
        recursive: true,
        // Sockets (e.g. Envoy's admin.sock in a pod's emptyDir) cannot be copied and mean nothing afterwards.
        filter: (src) => !isSocketOrFifo(src) && ![...scratch].some((dir) => src === dir || src.startsWith(dir + sep)),
      });
      return relative(process.cwd(), dest) || dest;
    },
    remove() {
      if (removed) return;
      removed = true;
      unregister();
      rmSync(path, { recursive: true, force: true });
    },
  };
}

const PREFIX = "contour-e2e-";
// Holds the pid of the test process that owns a run dir, so a later run can tell an abandoned dir
// (its owner was SIGKILLed and could not clean up) from one in use by someone else's run.
const OWNER_FILE = "owner.pid";

// Removes run dirs in the temp dir whose owning process no longer exists. Dirs without an owner
// file or with a live owner are left alone: the machine is shared.
function sweepAbandonedRunDirs(): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpdir()).filter((e) => e.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const entry of entries) {
    const dir = join(tmpdir(), entry);
    try {
      const owner = Number(readFileSync(join(dir, OWNER_FILE), "utf8"));
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // No owner file, not ours, or removed concurrently: leave it.
    }
  }
}

/** Whether a process exists (EPERM: it exists but belongs to another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Lower-case words joined by dashes: safe as a file name. */
export function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.slice(0, 80) || "run";
}

// Local time to the second, sortable, without characters some file systems dislike.
function timestamp(): string {
  const d = new Date();
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

function isSocketOrFifo(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isSocket() || st.isFIFO();
  } catch {
    return false;
  }
}
