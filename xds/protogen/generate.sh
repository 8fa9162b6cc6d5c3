#!/usr/bin/env bash
# Generates protobuf-es v2 TypeScript for the Envoy xDS API into xds/gen/ (run by `make gen`).
#
#   1. stages the protos shipped in node_modules/@grpc/grpc-js-xds/deps (envoy-api, xds/udpa,
#      googleapis, protoc-gen-validate) into one buf module under xds/gen/.work/proto, with
#      xds/protogen/buf.yaml at its root, and fixes what buf rejects (patch-protos.mjs; never
#      touches node_modules), and checks that every root listed in buf.gen.yaml exists (buf
#      silently ignores a missing path: check-roots.mjs);
#   2. runs `buf generate` (node_modules/.bin/buf, i.e. what `npx buf` runs) with
#      xds/protogen/buf.gen.yaml: the roots listed there plus their imports, plugin
#      node_modules/.bin/protoc-gen-es, options target=ts,import_extension=js;
#   3. writes registry.ts (gen-registry.mjs): `envoyRegistry` holding every generated file;
#   4. replaces the contents of xds/gen/ with the result (only if all of the above succeeded).
#
# Idempotent: every run starts from scratch. xds/gen/ is git-ignored; never edit it by hand.
set -euo pipefail

now_ms() { node -p 'Date.now()'; }
start=$(now_ms)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

PROTOGEN=xds/protogen
GEN=xds/gen
WORK=$GEN/.work
DEPS=node_modules/@grpc/grpc-js-xds/deps
BUF=node_modules/.bin/buf
PLUGIN=node_modules/.bin/protoc-gen-es

die() {
  echo "xds/protogen/generate.sh: error: $*" >&2
  exit 1
}
trap 'rm -rf "$WORK"' EXIT

[[ -x $BUF ]] || die "$BUF not found; install the npm packages first (make deps / npm ci)"
[[ -x $PLUGIN ]] || die "$PLUGIN not found; install the npm packages first (make deps / npm ci)"
[[ -d $DEPS ]] || die "$DEPS not found; install the npm packages first (make deps / npm ci)"

# 1. Stage the protos. Only the proto roots are copied (protoc-gen-validate also ships test and
#    Java protos that would clash); google/protobuf/* are built into buf.
rm -rf "$WORK"
mkdir -p "$WORK/proto" "$WORK/out"
for src in envoy-api/envoy xds/udpa xds/xds googleapis/google protoc-gen-validate/validate; do
  [[ -d $DEPS/$src ]] || die "$DEPS/$src not found (did the layout of @grpc/grpc-js-xds change?)"
  cp -R "$DEPS/$src" "$WORK/proto/"
done
cp "$PROTOGEN/buf.yaml" "$WORK/proto/buf.yaml"
node "$PROTOGEN/patch-protos.mjs" "$WORK/proto" || die "patching the staged protos failed"
node "$PROTOGEN/check-roots.mjs" "$PROTOGEN/buf.gen.yaml" "$WORK/proto" || die "a root listed in $PROTOGEN/buf.gen.yaml is missing"

# 2. Generate. buf runs from the staging tree so the paths in buf.gen.yaml are plain import paths,
#    and finds the plugin `protoc-gen-es` on PATH: the local one comes first.
(
  cd "$WORK/proto"
  PATH="$ROOT/node_modules/.bin:$PATH" "$ROOT/$BUF" generate --template "$ROOT/$PROTOGEN/buf.gen.yaml"
) || die "buf generate failed (see the messages above)"
count=$(find "$WORK/out" -name '*_pb.ts' | wc -l)
((count > 0)) || die "buf generate produced no *_pb.ts files"

# 3. The registry of every generated file.
node "$PROTOGEN/gen-registry.mjs" "$WORK/out" || die "writing registry.ts failed"

# 4. Swap the result in.
find "$GEN" -mindepth 1 -maxdepth 1 ! -name .work -exec rm -rf {} +
mv "$WORK/out"/* "$GEN/"
rm -rf "$WORK"

files=$(find "$GEN" -name '*.ts' | wc -l)
bytes=$(find "$GEN" -name '*.ts' -exec cat {} + | wc -c)
elapsed=$(($(now_ms) - start))
printf 'gen: %d TypeScript files (%d *_pb.ts + registry.ts, %d KiB) in %s/ in %d.%01ds\n' \
  "$files" "$count" $((bytes / 1024)) "$GEN" $((elapsed / 1000)) $((elapsed % 1000 / 100))
