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
    it("has upstream's defaults", () => {
      const parsed = parseCertgenArgs(["--kube"]);
      assert.equal(parsed.kind, "run", parsed.kind === "error" ? parsed.message : "");
      if (parsed.kind !== "run") return;
      assert.deepEqual(parsed.options, { namespace: "projectcontour", lifetimeDays: 365, dnsNames: [], ipAddresses: [] });
      assert.deepEqual(parsed.kube, { kind: "kubeconfig", path: undefined });
      assert.equal(parsed.format, "legacy");
      assert.equal(parsed.outputDir, "certs");
      assert.equal(parsed.overwrite, false);
      assert.equal(parsed.pem, false);
    });

    it("accepts the quickstart Job's args, the namespace from $CONTOUR_NAMESPACE", () => {
      const job = (JSON.parse(readFileSync(new URL("../../../operator/config/testdata/upstream-v1.33.6-serve-args.json", import.meta.url), "utf8")) as { certgen: string[] }).certgen;
      // The kubelet expands $(CONTOUR_NAMESPACE) from the env before the container starts.
      const inPod = { KUBERNETES_SERVICE_HOST: "198.18.0.1", KUBERNETES_SERVICE_PORT: "443" };
      const parsed = parseCertgenArgs(job.map((a) => a.replace("$(CONTOUR_NAMESPACE)", "team-a")), { CONTOUR_NAMESPACE: "team-a", ...inPod });
      assert.equal(parsed.kind, "run", parsed.kind === "error" ? parsed.message : "");
      if (parsed.kind !== "run") return;
      assert.deepEqual(parsed.kube, { kind: "incluster" });
      assert.equal(parsed.format, "compact");
      assert.equal(parsed.overwrite, true);
      assert.equal(parsed.options.namespace, "team-a");
      const fromEnv = parseCertgenArgs(["--kube"], { CONTOUR_NAMESPACE: "team-b" });
      assert.equal(fromEnv.kind === "run" && fromEnv.options.namespace, "team-b");
    });

    it("collects repeated --dns-name and --ip, and reads --certificate-lifetime", () => {
      const parsed = parseCertgenArgs(["--pem", "d", "--dns-name", "a.io", "--dns-name", "b.io", "--ip", "10.0.0.1", "--certificate-lifetime", "7"]);
      assert.equal(parsed.kind, "run");
      if (parsed.kind !== "run") return;
      assert.deepEqual(parsed.options.dnsNames, ["a.io", "b.io"]);
      assert.deepEqual(parsed.options.ipAddresses, ["10.0.0.1"]);
      assert.equal(parsed.options.lifetimeDays, 7);
      assert.equal(parsed.outputDir, "d");
    });

    const bad: Array<{ args: string[]; want: RegExp }> = [
      { args: [], want: /nothing to write: give --pem, --yaml or --kube/ },
      { args: ["--kube", "a", "b"], want: /at most one outputdir/ },
      { args: ["--kube", "--certificate-lifetime", "1.5"], want: /--certificate-lifetime must be a whole number/ },
      { args: ["--kube", "--lifetime", "0"], want: /lifetime 0/ },
      { args: ["--kube", "--namespace", "My_NS"], want: /namespace "My_NS"/ },
      { args: ["--kube", "--ip", "localhost"], want: /IP "localhost"/ },
      { args: ["--kube", "--dns-name=-bad.io"], want: /DNS name "-bad.io"/ },
      { args: ["--kube", "--secrets-format=compat"], want: /--secrets-format must be legacy or compact/ },
      { args: ["--kube", "--incluser"], want: /unknown flag '--incluser'; did you mean "--incluster"\?/ },
      { args: ["--output-dir="], want: /must not be empty/ },
      { args: ["--kube", "--incluster"], want: /--incluster: not running in a pod/ },
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
      assert.match(io.err, /^contour certgen: --certificate-lifetime/);
      assert.equal(await runCertgen(["-h"], io), 0);
      assert.match(io.out, /^usage: contour certgen/);
    });
  });

  it("writes the PEM files, keys owner-only", async () => {
    const io = capture();
    const out = join(dir, "certs");
    assert.equal(await runCertgen(["--pem", out, "--namespace", "ns1"], io), 0, io.err);
    assert.deepEqual(readdirSync(out).sort(), ["cacert.pem", "contourcert.pem", "contourkey.pem", "envoycert.pem", "envoykey.pem"]);
    assert.equal(statSync(join(out, "contourkey.pem")).mode & 0o777, 0o600);
    assert.equal(statSync(join(out, "envoykey.pem")).mode & 0o777, 0o600);
    const ca = new X509Certificate(readFileSync(join(out, "cacert.pem")));
    assert.ok(new X509Certificate(readFileSync(join(out, "contourcert.pem"))).checkIssued(ca));
    assert.ok(new X509Certificate(readFileSync(join(out, "envoycert.pem"))).checkHost("envoy.ns1.svc"));
    assert.match(io.out, /^Writing certificates to PEM files in /);
  });

  it("still writes PEM files for --output-dir alone", async () => {
    assert.equal(await runCertgen(["--output-dir", dir], capture()), 0);
    assert.equal(readdirSync(dir).length, 5);
  });

  it("refuses to overwrite without --overwrite and leaves the files alone", async () => {
    writeFileSync(join(dir, "envoykey.pem"), "keep me", { mode: 0o644 });
    const io = capture();
    assert.equal(await runCertgen(["--pem", dir], io), 1);
    assert.match(io.err, /refusing to overwrite .*envoykey\.pem \(use --overwrite\)/);
    assert.deepEqual(readdirSync(dir), ["envoykey.pem"]);
    assert.equal(readFileSync(join(dir, "envoykey.pem"), "utf8"), "keep me");
  });

  it("overwrites with --overwrite, tightening the key's mode", async () => {
    writeFileSync(join(dir, "envoykey.pem"), "old", { mode: 0o644 });
    assert.equal(await runCertgen(["--pem", dir, "--overwrite"], capture()), 0);
    assert.match(readFileSync(join(dir, "envoykey.pem"), "utf8"), /BEGIN PRIVATE KEY/);
    assert.equal(statSync(join(dir, "envoykey.pem")).mode & 0o777, 0o600);
    assert.equal(readdirSync(dir).length, 5, "no temp files left behind");
  });

  for (const [format, want] of [
    ["legacy", [["contourcert", "kubernetes.io/tls", ["tls.crt", "tls.key"]], ["envoycert", "kubernetes.io/tls", ["tls.crt", "tls.key"]], ["cacert", "Opaque", ["cacert.pem"]]]],
    ["compact", [["contourcert", "kubernetes.io/tls", ["ca.crt", "tls.crt", "tls.key"]], ["envoycert", "kubernetes.io/tls", ["ca.crt", "tls.crt", "tls.key"]]]],
  ] as const) {
    it(`writes ${format} Secret YAML files (owner-only, labelled app: contour) and refuses to replace them`, async () => {
      assert.equal(await runCertgen(["--yaml", dir, "--namespace", "ns2", `--secrets-format=${format}`, "--secrets-name-suffix=-x"], capture()), 0);
      const got = want.map(([name]) => {
        const path = join(dir, `${name}-x.yaml`);
        assert.equal(statSync(path).mode & 0o777, 0o600);
        const doc = parseAllDocuments(readFileSync(path, "utf8"))[0]?.toJS() as { metadata: { name: string; namespace: string; labels: object }; type: string; data: object };
        assert.equal(doc.metadata.namespace, "ns2");
        assert.deepEqual(doc.metadata.labels, { app: "contour" });
        return [doc.metadata.name, doc.type, Object.keys(doc.data)];
      });
      assert.deepEqual(got, want.map(([name, type, keys]) => [`${name}-x`, type, keys]));
      assert.equal(readdirSync(dir).length, want.length);
      const io = capture();
      assert.equal(await runCertgen(["--yaml", dir, `--secrets-format=${format}`, "--secrets-name-suffix=-x"], io), 1);
      assert.match(io.err, /refusing to overwrite/);
    });
  }
});
