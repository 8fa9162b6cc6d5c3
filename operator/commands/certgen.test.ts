import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { CommandOutput } from "./bootstrap.js";
import { parseCertgenArgs, runCertgen } from "./certgen.js";

function capture(): CommandOutput & { out: string; err: string } {
  const sink = { out: "", err: "", stdout: (t: string) => void (sink.out += t), stderr: (t: string) => void (sink.err += t) };
  return sink;
}

describe("contour certgen", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "contour-certgen-test-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe("flags", () => {
    it("has defaults", () => {
      const parsed = parseCertgenArgs(["--kube"]);
      assert.equal(parsed.kind, "run");
      if (parsed.kind !== "run") return;
      assert.deepEqual(parsed.options, { namespace: "projectcontour", lifetimeDays: 365, dnsNames: [], ipAddresses: [] });
      assert.equal(parsed.yaml, "-");
      assert.equal(parsed.outputDir, undefined);
      assert.equal(parsed.overwrite, false);
    });

    it("collects repeated --dns-name and --ip", () => {
      const parsed = parseCertgenArgs(["--output-dir", "d", "--dns-name", "a.io", "--dns-name", "b.io", "--ip", "10.0.0.1", "--lifetime", "7"]);
      assert.equal(parsed.kind, "run");
      if (parsed.kind !== "run") return;
      assert.deepEqual(parsed.options.dnsNames, ["a.io", "b.io"]);
      assert.deepEqual(parsed.options.ipAddresses, ["10.0.0.1"]);
      assert.equal(parsed.options.lifetimeDays, 7);
    });

    const bad: Array<{ args: string[]; want: RegExp }> = [
      { args: [], want: /nothing to write/ },
      { args: ["--kube", "--yaml", "x"], want: /exclude each other/ },
      { args: ["--kube", "extra"], want: /unexpected argument extra/ },
      { args: ["--kube", "--lifetime", "1.5"], want: /--lifetime must be a whole number/ },
      { args: ["--kube", "--lifetime", "0"], want: /lifetime 0/ },
      { args: ["--kube", "--namespace", "My_NS"], want: /namespace "My_NS"/ },
      { args: ["--kube", "--ip", "localhost"], want: /IP "localhost"/ },
      { args: ["--kube", "--dns-name=-bad.io"], want: /DNS name "-bad.io"/ },
      { args: ["--kube", "--pem"], want: /Unknown option '--pem'/ },
      { args: ["--output-dir="], want: /non-empty path/ },
    ];
    for (const { args, want } of bad) {
      it(`rejects ${args.join(" ") || "no flags"}`, () => {
        const parsed = parseCertgenArgs(args);
        assert.equal(parsed.kind, "error");
        if (parsed.kind === "error") assert.match(parsed.message, want);
      });
    }

    it("exits 2 with a message on a bad flag, 0 with usage on --help", async () => {
      const io = capture();
      assert.equal(await runCertgen(["--lifetime", "soon", "--kube"], io), 2);
      assert.match(io.err, /^contour certgen: --lifetime/);
      assert.equal(await runCertgen(["-h"], io), 0);
      assert.match(io.out, /^usage: contour certgen/);
    });
  });

  it("writes the PEM files, keys owner-only", async () => {
    const io = capture();
    const out = join(dir, "certs");
    assert.equal(await runCertgen(["--output-dir", out, "--namespace", "ns1"], io), 0, io.err);
    assert.deepEqual(readdirSync(out).sort(), ["cacert.pem", "contourcert.pem", "contourkey.pem", "envoycert.pem", "envoykey.pem"]);
    assert.equal(statSync(join(out, "contourkey.pem")).mode & 0o777, 0o600);
    assert.equal(statSync(join(out, "envoykey.pem")).mode & 0o777, 0o600);
    const ca = new X509Certificate(readFileSync(join(out, "cacert.pem")));
    assert.ok(new X509Certificate(readFileSync(join(out, "contourcert.pem"))).checkIssued(ca));
    assert.ok(new X509Certificate(readFileSync(join(out, "envoycert.pem"))).checkHost("envoy.ns1.svc"));
    assert.equal(io.out, "");
  });

  it("refuses to overwrite without --overwrite and leaves the files alone", async () => {
    writeFileSync(join(dir, "envoykey.pem"), "keep me", { mode: 0o644 });
    const io = capture();
    assert.equal(await runCertgen(["--output-dir", dir], io), 1);
    assert.match(io.err, /refusing to overwrite .*envoykey\.pem \(use --overwrite\)/);
    assert.deepEqual(readdirSync(dir), ["envoykey.pem"]);
    assert.equal(readFileSync(join(dir, "envoykey.pem"), "utf8"), "keep me");
  });

  it("overwrites with --overwrite, tightening the key's mode", async () => {
    writeFileSync(join(dir, "envoykey.pem"), "old", { mode: 0o644 });
    assert.equal(await runCertgen(["--output-dir", dir, "--overwrite"], capture()), 0);
    assert.match(readFileSync(join(dir, "envoykey.pem"), "utf8"), /BEGIN PRIVATE KEY/);
    assert.equal(statSync(join(dir, "envoykey.pem")).mode & 0o777, 0o600);
    assert.equal(readdirSync(dir).length, 5, "no temp files left behind");
  });

  it("writes Secret YAML to a file (owner-only) and refuses to replace it", async () => {
    const path = join(dir, "secrets.yaml");
    assert.equal(await runCertgen(["--yaml", path, "--namespace", "ns2"], capture()), 0);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const names = parseAllDocuments(readFileSync(path, "utf8")).map((d) => d.get("metadata", true));
    assert.equal(names.length, 3);
    const io = capture();
    assert.equal(await runCertgen(["--yaml", path], io), 1);
    assert.match(io.err, /refusing to overwrite/);
  });

  it("prints Secret YAML for --kube", async () => {
    const io = capture();
    assert.equal(await runCertgen(["--kube"], io), 0, io.err);
    const docs = parseAllDocuments(io.out).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace: string } });
    assert.deepEqual(docs.map((d) => [d.kind, d.metadata.name, d.metadata.namespace]), [
      ["Secret", "cacert", "projectcontour"],
      ["Secret", "contourcert", "projectcontour"],
      ["Secret", "envoycert", "projectcontour"],
    ]);
  });
});
