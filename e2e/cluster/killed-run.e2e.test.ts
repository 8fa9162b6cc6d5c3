// Nothing outlives a SIGKILLed test process: its bed's processes die with it (pdeathsig), and the next
// bed removes what the kernel does not (the pod's network namespace, the host link with the node and
// LoadBalancer addresses, the nftables table, the run dir).
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestBed, waitFor } from "../harness/index.js";
import { isAlive } from "../harness/run-dir.js";

const CHILD = join(dirname(fileURLToPath(import.meta.url)), "killed-run-child.js");

interface Made {
  runDir: string;
  nodeIp: string;
  lbIp: string;
  netns: string;
  pids: number[];
}

const addresses = (): string => execFileSync("ip", ["-4", "-o", "addr", "show"], { encoding: "utf8" });
const netnses = (): string => execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
const tables = (): string => execFileSync("nft", ["list", "tables"], { encoding: "utf8" });

describe("cluster: a killed run", function () {
  it("leaves no process, and the next bed removes its namespace, addresses, rules and run dir", async function () {
    this.timeout(180_000);
    const child = spawn(process.execPath, ["--enable-source-maps", CHILD], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    let made: Made;
    try {
      made = await waitFor(
        () => {
          const line = out.split("\n").find((l) => l.startsWith("{"));
          return line === undefined ? undefined : (JSON.parse(line) as Made);
        },
        { timeoutMs: 120_000, intervalMs: 200, description: () => `the child bed to report what it made; output:\n${out.slice(-2000)}`, bail: () => (child.exitCode !== null ? new Error(`the child exited: ${out.slice(-2000)}`) : undefined) },
      );
    } catch (err) {
      child.kill("SIGKILL");
      throw err;
    }
    assert.ok(addresses().includes(` ${made.lbIp}/`) && addresses().includes(` ${made.nodeIp}/`));
    assert.ok(netnses().includes(made.netns));
    assert.match(tables(), new RegExp(`contour_e2e_lb_${child.pid}_`));

    child.kill("SIGKILL");
    await exited;
    await waitFor(() => made.pids.every((pid) => !isAlive(pid)), { timeoutMs: 10_000, description: () => `the child's processes ${made.pids} to die with it` });

    const next = await createTestBed({ name: "killed-run-next", cluster: true });
    try {
      assert.ok(!addresses().includes(` ${made.lbIp}/`), `${made.lbIp} removed`);
      assert.ok(!addresses().includes(` ${made.nodeIp}/`), `${made.nodeIp} removed`);
      assert.ok(!netnses().includes(made.netns), `${made.netns} removed`);
      assert.doesNotMatch(tables(), new RegExp(`contour_e2e_lb_${child.pid}_`));
      assert.equal(existsSync(made.runDir), false, `${made.runDir} removed`);
    } finally {
      await next.stop();
    }
  });
});
