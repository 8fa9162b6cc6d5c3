// Fails if a root listed under `inputs[].paths` in buf.gen.yaml does not exist in the staged proto
// tree: buf silently ignores a missing path, which would silently drop generated code.
// Usage: node check-roots.mjs <buf.gen.yaml> <staged proto root>
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const [template, root] = process.argv.slice(2);
if (!template || !root) {
  console.error("usage: node check-roots.mjs <buf.gen.yaml> <staged proto root>");
  process.exit(2);
}
const config = parse(readFileSync(template, "utf8"));
const paths = (config?.inputs ?? []).flatMap((input) => input?.paths ?? []);
if (paths.length === 0) {
  console.error(`check-roots: ${template} lists no inputs[].paths (would generate the whole Envoy API)`);
  process.exit(1);
}
const missing = paths.filter((p) => !existsSync(join(root, p)));
if (missing.length > 0) {
  console.error(`check-roots: not in the protos shipped by @grpc/grpc-js-xds: ${missing.join(", ")}`);
  console.error(`check-roots: remove them from ${template} (or ship them another way)`);
  process.exit(1);
}
