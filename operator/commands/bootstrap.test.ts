import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generateCertificates, pemFiles } from "../certgen/index.js";
import { parseBootstrapArgs, runBootstrap, type CommandOutput } from "./bootstrap.js";

function capture(): CommandOutput & { out: string; err: string } {
  const sink = { out: "", err: "", stdout: (t: string) => void (sink.out += t), stderr: (t: string) => void (sink.err += t) };
  return sink;
}

describe("contour bootstrap", () => {
  let dir: string;
  let tlsFlags: string[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "contour-bootstrap-test-"));
    for (const file of pemFiles(await generateCertificates({ namespace: "projectcontour", lifetimeDays: 1 }))) {
      writeFileSync(join(dir, file.name), file.contents, { mode: file.mode });
    }
    tlsFlags = ["--xds-ca-file", join(dir, "cacert.pem"), "--xds-cert-file", join(dir, "envoycert.pem"), "--xds-key-file", join(dir, "envoykey.pem")];
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  describe("flags", () => {
    const ok: Array<{ args: string[]; env?: Record<string, string>; check: (o: any) => void }> = [
      {
        args: ["-", "--insecure"],
        check: (o) => {
          assert.deepEqual(o.admin, { kind: "unix", path: "/admin/admin.sock" }, "upstream's default admin socket");
          assert.equal(o.statsListener, undefined, "no static stats listener: contour serves it over LDS, as upstream");
          assert.equal(o.nodeId, "envoy");
          assert.equal(o.nodeCluster, "contour");
          assert.equal(o.xdsAddress, "127.0.0.1");
          assert.equal(o.xdsPort, 8001);
          assert.equal(o.xdsMode, "delta");
          assert.equal(o.xdsTls, "insecure");
          assert.equal(o.eagerClusterStats, undefined, "cluster traffic stats deferred by default");
        },
      },
      {
        args: ["-", "--insecure", "--eager-cluster-stats"],
        check: (o) => assert.equal(o.eagerClusterStats, true),
      },
      {
        args: ["out.json", "--insecure", "--xds-mode=sotw", "--admin-socket", "/run/admin.sock", "--xds-port", "443", "--node-id", "e1"],
        check: (o) => {
          assert.deepEqual(o.admin, { kind: "unix", path: "/run/admin.sock" });
          assert.equal(o.xdsMode, "sotw");
          assert.equal(o.xdsPort, 443);
          assert.equal(o.nodeId, "e1");
        },
      },
      {
        args: ["-", "--xds-ca-file", "a", "--xds-cert-file", "b", "--xds-key-file", "c", "--xds-server-name", "xds.example.com"],
        check: (o) => assert.deepEqual(o.xdsTls, { caFile: "a", certFile: "b", keyFile: "c", serverName: "xds.example.com" }),
      },
      {
        args: ["-", "--insecure", "--admin-address", "127.0.0.1", "--admin-port", "9005", "--stats-port", "0"],
        check: (o) => {
          assert.deepEqual(o.admin, { kind: "tcp", address: "127.0.0.1", port: 9005 });
          assert.equal(o.statsListener, undefined);
        },
      },
      {
        args: ["-", "--insecure", "--admin-port", "9006"],
        check: (o) => assert.deepEqual(o.admin, { kind: "tcp", address: "127.0.0.1", port: 9006 }),
      },
      {
        // Upstream's init container, with its files given through upstream's environment variables.
        args: ["/config/envoy.json", "--xds-address=contour", "--xds-port=8001", "--xds-resource-version=v3", "--resources-dir=/config/resources", "--dns-lookup-family=v4", "--overload-max-heap=1000000"],
        env: { ENVOY_CAFILE: "/e/ca", ENVOY_CERT_FILE: "/e/crt", ENVOY_KEY_FILE: "/e/key", CONTOUR_NAMESPACE: "team-a" },
        check: (o) => {
          assert.deepEqual(o.xdsTls, { caFile: "/e/ca", certFile: "/e/crt", keyFile: "/e/key", serverName: "contour" });
          assert.equal(o.resourcesDir, "/config/resources");
          assert.equal(o.namespace, "team-a");
          assert.equal(o.dnsLookupFamily, "v4");
          assert.equal(o.maxHeapBytes, 1_000_000);
        },
      },
    ];
    for (const { args, env, check } of ok) {
      it(`accepts ${args.join(" ")}`, () => {
        const parsed = parseBootstrapArgs(args, env);
        assert.equal(parsed.kind, "run", parsed.kind === "error" ? parsed.message : "");
        if (parsed.kind === "run") check(parsed.options);
      });
    }

    const bad: Array<{ args: string[]; want: RegExp }> = [
      { args: ["--insecure"], want: /missing <path>/ },
      { args: ["a", "b", "--insecure"], want: /one <path>/ },
      { args: ["-", "--xds-ca-file", "a"], want: /missing --envoy-cert-file, --envoy-key-file/ },
      { args: ["-", "--insecure", "--xds-cert-file", "b"], want: /--insecure excludes --envoy-cert-file/ },
      { args: ["-", "--xds-resource-version=v2"], want: /invalid xDS version "v2"/ },
      { args: ["-", "--admin-address", "admin.sock"], want: /neither a unix socket path/ },
      { args: ["-", "--dns-lookup-family", "v5"], want: /--dns-lookup-family must be one of/ },
      { args: ["-", "--xds-ca-file", "a", "--envoy-cafile", "b", "--envoy-cert-file", "c", "--envoy-key-file", "d"], want: /--xds-ca-file and --envoy-cafile name different files/ },
      { args: ["-", "--insecure", "--xds-port", "0"], want: /--xds-port .*not "0"/ },
      { args: ["-", "--insecure", "--xds-port", "65536"], want: /--xds-port/ },
      { args: ["-", "--insecure", "--admin-port", "80a"], want: /--admin-port/ },
      { args: ["-", "--insecure", "--admin-socket", "/s", "--admin-port", "1"], want: /--admin-port applies only/ },
      { args: ["-", "--insecure", "--admin-address", "localhost"], want: /"localhost" is neither a unix socket path/ },
      { args: ["-", "--insecure", "--xds-mode", "incremental"], want: /--xds-mode must be delta or sotw/ },
      { args: ["-", "--insecure", "--xds-address", "a_b"], want: /xds address "a_b"/ },
      { args: ["-", "--insecure", "--frobnicate"], want: /unknown flag '--frobnicate'/ },
      { args: ["-", "--insecure", "--xds-adress=x", "--envoy-cafle=y"], want: /unknown flag '--xds-adress'; did you mean "--xds-address"\?\nunknown flag '--envoy-cafle'; did you mean "--envoy-cafile"\?/ },
      { args: ["-", "--insecure", "--xds-port"], want: /--xds-port: needs a value/ },
    ];
    for (const { args, want } of bad) {
      it(`rejects ${args.join(" ")}`, () => {
        const parsed = parseBootstrapArgs(args);
        assert.equal(parsed.kind, "error");
        if (parsed.kind === "error") assert.match(parsed.message, want);
      });
    }

    it("prints usage for --help and exits 0", async () => {
      const io = capture();
      assert.equal(await runBootstrap(["--help"], io), 0);
      assert.match(io.out, /^usage: contour bootstrap <path>/);
      assert.match(io.out, /--xds-server-name/);
    });

    it("exits 2 with a message on a bad flag", async () => {
      const io = capture();
      assert.equal(await runBootstrap(["-", "--insecure", "--xds-port", "x"], io), 2);
      assert.match(io.err, /^contour bootstrap: --xds-port/);
      assert.equal(io.out, "");
    });

    it("exits 2 when a TLS file is unreadable", async () => {
      const io = capture();
      const args = ["-", ...tlsFlags.slice(0, 5), join(dir, "missing.pem")];
      assert.equal(await runBootstrap(args, io), 2);
      assert.match(io.err, /cannot read .*missing\.pem/);
    });
  });

  it("warns when it writes a plaintext bootstrap because no TLS file is given (as upstream does)", async () => {
    const io = capture();
    assert.equal(await runBootstrap(["-"], io), 0);
    assert.match(io.err, /warning: no --envoy-cafile.*plaintext xDS/);
  });

  it("writes upstream's SDS resource files with --resources-dir", async () => {
    const resources = join(dir, "resources");
    const io = capture();
    assert.equal(await runBootstrap([join(dir, "sds.json"), ...tlsFlags, "--resources-dir", resources], io), 0, io.err);
    const cert = JSON.parse(readFileSync(join(resources, "sds", "xds-tls-certificate.json"), "utf8"));
    const ca = JSON.parse(readFileSync(join(resources, "sds", "xds-validation-context.json"), "utf8"));
    assert.equal(cert.resources[0].name, "contour_xds_tls_certificate");
    assert.equal(cert.resources[0].tls_certificate.private_key.filename, join(dir, "envoykey.pem"));
    assert.equal(ca.resources[0].name, "contour_xds_tls_validation_context");
    assert.equal(ca.resources[0].validation_context.trusted_ca.filename, join(dir, "cacert.pem"));
    const tls = JSON.parse(readFileSync(join(dir, "sds.json"), "utf8")).static_resources.clusters[0].transport_socket.typed_config.common_tls_context;
    assert.equal(tls.tls_certificate_sds_secret_configs[0].sds_config.path_config_source.path, join(resources, "sds", "xds-tls-certificate.json"));
  });

  it("writes JSON to stdout for -", async () => {
    const io = capture();
    assert.equal(await runBootstrap(["-", "--insecure"], io), 0);
    assert.equal((JSON.parse(io.out) as { node: { id: string } }).node.id, "envoy");
  });

  it("writes the file", async () => {
    const path = join(dir, "written.json");
    const io = capture();
    assert.equal(await runBootstrap([path, ...tlsFlags], io), 0, io.err);
    assert.equal(io.out, "");
    assert.ok(statSync(path).isFile());
    assert.match(readFileSync(path, "utf8"), /UpstreamTlsContext/);
  });

  it("exits 1 when the file cannot be written", async () => {
    const io = capture();
    assert.equal(await runBootstrap([join(dir, "no-such-dir", "b.json"), "--insecure"], io), 1);
    assert.match(io.err, /writing .*b\.json/);
  });

  describe("envoy --mode validate", function () {
    const envoy = findEnvoy();
    // Upstream's init container args (examples/render/contour.yaml), with its mount paths moved into the test dir.
    const upstreamInit = () =>
      (JSON.parse(readFileSync(new URL("../../../operator/config/testdata/upstream-v1.33.6-serve-args.json", import.meta.url), "utf8")) as { bootstrap: string[] }).bootstrap
        .slice(1)
        .map((a) => a.replace("/certs/ca.crt", join(dir, "cacert.pem")).replace("/certs/tls.crt", join(dir, "envoycert.pem")).replace("/certs/tls.key", join(dir, "envoykey.pem")).replace("/config/", `${dir}/`))
        .concat(["--admin-address", join(dir, "admin.sock")]);
    for (const [name, extra] of [
      ["delta + mTLS", () => tlsFlags],
      ["sotw + insecure, admin on a unix socket, xDS by DNS name", () => ["--insecure", "--xds-mode", "sotw", "--admin-socket", join(dir, "admin.sock"), "--xds-address", "contour.projectcontour.svc"]],
      ["upstream's init container: SDS files, stats-health listener, admin socket", upstreamInit],
      ["TCP admin, overload limits, DNS family", () => ["--insecure", "--admin-address=127.0.0.1", "--admin-port=9001", "--overload-max-heap=100000000", "--overload-downstream-max-conn=1000", "--xds-address=contour", "--dns-lookup-family=all"]],
    ] as const) {
      it(`accepts ${name}`, async function () {
        if (envoy === undefined) assert.fail("envoy is not installed (ENVOY_BIN or .tools/tools.env): run `make tools`");
        const path = join(dir, `validate-${name.replace(/\W+/g, "-")}.json`);
        assert.equal(await runBootstrap([path, ...extra()], capture()), 0);
        const { stdout, stderr } = await promisify(execFile)(envoy, ["--mode", "validate", "-c", path, "--log-level", "warn"]);
        assert.match(stdout, /OK/);
        // Warnings are how Envoy announces deprecations and missing limits: the bootstrap should cause none.
        assert.equal(stderr, "");
      });
    }
  });
});

/** The Envoy binary: $ENVOY_BIN, else the one `make tools` recorded in .tools/tools.env; undefined fails the test. */
function findEnvoy(): string | undefined {
  const fromEnv = process.env["ENVOY_BIN"];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  const envFile = join(dir, ".tools", "tools.env");
  if (!existsSync(envFile)) return undefined;
  const line = readFileSync(envFile, "utf8").split("\n").find((l) => l.startsWith("ENVOY_BIN="));
  const path = line?.slice("ENVOY_BIN=".length).trim();
  return path !== undefined && existsSync(path) ? path : undefined;
}
