import assert from "node:assert/strict";
import { TypeUrl } from "../../xds/resources.js";
import { CLI_TYPES, parseCliArgs } from "./cli-args.js";

describe("parseCliArgs", () => {
  it("has upstream's defaults", () => {
    assert.deepEqual(parseCliArgs(["rds"]), {
      type: "rds",
      contour: "127.0.0.1:8001",
      tls: undefined,
      delta: false,
      nack: false,
      nodeId: "ContourCLI",
      resources: [],
      once: false,
    });
    assert.equal(CLI_TYPES.rds, TypeUrl.route);
  });

  it("reads flags in both spellings, resource names, and the CLI_* environment", () => {
    const args = parseCliArgs(["--contour", "127.0.0.1:9", "--delta", "--cafile=ca.pem", "--cert-file", "c.pem", "eds", "a/b/80", "c/d/81", "--once"], { CLI_KEY_FILE: "k.pem", CLI_NODE_ID: "envoy-1" });
    assert.ok("type" in args);
    assert.equal(args.type, "eds");
    assert.equal(args.contour, "127.0.0.1:9");
    assert.deepEqual(args.tls, { caFile: "ca.pem", certFile: "c.pem", keyFile: "k.pem" });
    assert.equal(args.delta, true);
    assert.equal(args.once, true);
    assert.equal(args.nodeId, "envoy-1");
    assert.deepEqual(args.resources, ["a/b/80", "c/d/81"]);
  });

  it("accepts upstream's program-wide --log-format", () => {
    assert.ok("type" in parseCliArgs(["--log-format=json", "lds"]));
  });

  it("refuses part of the TLS files, unknown flags and subcommands", () => {
    assert.deepEqual(parseCliArgs(["--cafile", "ca.pem", "cds"]), { error: "you must supply all three TLS parameters - --cafile, --cert-file, --key-file, or none of them" });
    assert.deepEqual(parseCliArgs(["--bogus", "cds"]), { error: "unknown flag --bogus" });
    assert.deepEqual(parseCliArgs(["xds"]), { error: 'unknown subcommand "xds": want lds, rds, cds, eds or sds' });
    assert.deepEqual(parseCliArgs([]), { error: "missing subcommand: lds, rds, cds, eds or sds" });
    assert.deepEqual(parseCliArgs(["--node-id"]), { error: "--node-id needs a value" });
    assert.deepEqual(parseCliArgs(["--help"]), { help: true });
  });
});
