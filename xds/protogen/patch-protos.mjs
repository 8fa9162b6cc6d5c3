// Fixes, in the staging copy made by generate.sh (never in node_modules), what buf rejects in the
// protos shipped by @grpc/grpc-js-xds. Usage: node patch-protos.mjs <staged proto root>
//
// Each patch is idempotent and skipped when the shipped file no longer needs it; a patch whose
// anchor is missing fails loudly rather than leaving a tree buf would reject with a vaguer error.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = process.argv[2];
if (!root) {
  console.error("usage: node patch-protos.mjs <staged proto root>");
  process.exit(2);
}

/**
 * validate/validate.proto (protoc-gen-validate) as shipped predates `StringRules.ignore_empty`,
 * which envoy/config/core/v3/protocol.proto (and a few other Envoy files) use:
 *   cannot resolve message field name for `validate.StringRules`
 * Add the field exactly as upstream protoc-gen-validate defines it (field 26, after `strict`).
 */
function patchValidateIgnoreEmpty() {
  const file = join(root, "validate/validate.proto");
  const text = readFileSync(file, "utf8");
  const start = text.indexOf("message StringRules {");
  const end = text.indexOf("\nmessage ", start + 1);
  if (start < 0 || end < 0) {
    throw new Error(`${file}: message StringRules not found`);
  }
  const body = text.slice(start, end);
  if (/\bignore_empty\s*=/.test(body)) {
    return; // already there (newer protoc-gen-validate)
  }
  const anchor = /^( *)optional bool strict\s*=\s*25\b[^\n]*?(\r?)\n/m;
  const m = anchor.exec(body);
  if (!m) {
    throw new Error(`${file}: StringRules has neither ignore_empty nor the 'strict = 25' field to insert it after`);
  }
  const [line, indent, cr] = m;
  const insert = `${indent}// IgnoreEmpty specifies that the validation rules of this field should be${cr}\n` +
    `${indent}// evaluated only if the field is not empty (added by xds/protogen/patch-protos.mjs)${cr}\n` +
    `${indent}optional bool ignore_empty = 26;${cr}\n`;
  const patched = body.slice(0, m.index + line.length) + insert + body.slice(m.index + line.length);
  writeFileSync(file, text.slice(0, start) + patched + text.slice(end));
}

try {
  patchValidateIgnoreEmpty();
} catch (err) {
  console.error(`patch-protos: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
