import assert from "node:assert/strict";
import { hoistGlobalFlags } from "./global-flags.js";

describe("hoistGlobalFlags", () => {
  it("moves a leading --log-format behind the command", () => {
    assert.deepEqual(hoistGlobalFlags(["--log-format=json", "serve", "--insecure"]), ["serve", "--log-format=json", "--insecure"]);
    assert.deepEqual(hoistGlobalFlags(["--log-format", "text", "envoy", "shutdown"]), ["envoy", "--log-format", "text", "shutdown"]);
  });
  it("leaves everything else alone", () => {
    assert.deepEqual(hoistGlobalFlags(["serve", "--log-format=json"]), ["serve", "--log-format=json"]);
    assert.deepEqual(hoistGlobalFlags([]), []);
  });
});
