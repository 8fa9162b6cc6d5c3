// `contour certgen --kube` (the compiled CLI) against a real kube-apiserver, as upstream's certgen Job
// runs it: Secrets created through the API, kept on a second run, replaced with --overwrite.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { execFile } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { promisify } from "node:util";
import { describe, it } from "mocha";
import { ensureNamespace, kubeClients, type KubeClients } from "../fixtures/kube-objects.js";
import { findRepoRoot, useTestBed } from "../harness/index.js";

const run = promisify(execFile);
const MAIN = join(findRepoRoot(), "dist", "operator", "main.js");

describe("contour certgen --kube against a real API server", function () {
  const ctx = useTestBed({});
  let kube: KubeClients;
  const certgen = (...args: string[]) =>
    run(process.execPath, [MAIN, "certgen", "--kube", `--kubeconfig=${ctx.bed.apiserver.kubeconfigPath}`, ...args], { env: { ...process.env, CONTOUR_NAMESPACE: "projectcontour" } });
  const secret = (name: string, namespace = "projectcontour") => kube.core.readNamespacedSecret({ namespace, name });

  before(async () => {
    kube = kubeClients(ctx.bed.apiserver.makeKubeConfig());
    await ensureNamespace(kube, "projectcontour");
    await ensureNamespace(kube, "team-a");
  });

  it("creates upstream's compact Secrets in $CONTOUR_NAMESPACE (the quickstart Job's args)", async () => {
    const { stdout } = await certgen("--overwrite", "--secrets-format=compact", "--namespace=projectcontour");
    assert.match(stdout, /Writing "compact" format Secrets to namespace "projectcontour"/);
    assert.match(stdout, /secret\/contourcert updated\nsecret\/envoycert updated/);
    for (const [name, service] of [["contourcert", "contour"], ["envoycert", "envoy"]] as const) {
      const s = await secret(name);
      assert.equal(s.type, "kubernetes.io/tls");
      assert.deepEqual(s.metadata?.labels, { app: "contour" });
      assert.deepEqual(Object.keys(s.data ?? {}).sort(), ["ca.crt", "tls.crt", "tls.key"]);
      const cert = new X509Certificate(Buffer.from(s.data?.["tls.crt"] ?? "", "base64"));
      assert.ok(cert.checkHost(`${service}.projectcontour.svc`), `${name} is for ${service}`);
      assert.ok(cert.checkIssued(new X509Certificate(Buffer.from(s.data?.["ca.crt"] ?? "", "base64"))));
    }
  });

  it("keeps existing Secrets without --overwrite and replaces them with it", async () => {
    const before = (await secret("contourcert")).data?.["tls.crt"];
    const kept = await certgen("--secrets-format=compact");
    assert.match(kept.stdout, /secret\/contourcert already exists\nsecret\/envoycert already exists/);
    assert.equal((await secret("contourcert")).data?.["tls.crt"], before, "kept as it was");
    const replaced = await certgen("--secrets-format=compact", "--overwrite");
    assert.match(replaced.stdout, /secret\/contourcert updated/);
    assert.notEqual((await secret("contourcert")).data?.["tls.crt"], before, "a fresh certificate");
  });

  it("writes the legacy format, with a name suffix, into --namespace", async () => {
    await certgen("--namespace=team-a", "--secrets-name-suffix=-v2");
    assert.deepEqual(Object.keys((await secret("cacert-v2", "team-a")).data ?? {}), ["cacert.pem"]);
    assert.deepEqual(Object.keys((await secret("contourcert-v2", "team-a")).data ?? {}).sort(), ["tls.crt", "tls.key"]);
    assert.equal((await secret("envoycert-v2", "team-a")).type, "kubernetes.io/tls");
  });

  it("fails with the API server's reason when the namespace does not exist", async () => {
    await assert.rejects(certgen("--namespace=nowhere"), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr ?? "", /creating secret\/contourcert in nowhere: .*not found/i);
      return true;
    });
  });
});
