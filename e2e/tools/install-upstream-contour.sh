#!/usr/bin/env bash
# Installs upstream Project Contour (the Go controller) for `make bench-upstream`: built with
# `go install` from its published module, cached under .tools/contour-upstream-<version>/.
# Its CRDs are read at run time from the downloaded module in the Go module cache (never copied here).
# Prints two lines: CONTOUR_UPSTREAM_BIN=<path> and CONTOUR_UPSTREAM_CRDS=<path>.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=versions.env
source "$root/e2e/tools/versions.env"
version=${CONTOUR_UPSTREAM_VERSION:-$UPSTREAM_CONTOUR_VERSION}
dir="$root/.tools/contour-upstream-$version"

fail() {
  echo "bench-upstream: cannot install upstream contour $version: $1" >&2
  exit 1
}

command -v go >/dev/null 2>&1 || fail "'go' is not on PATH"
export GOTOOLCHAIN=local CGO_ENABLED=0

# Two installs at once (a bench started while another builds) would move each other's directory away:
# the second waits for the first and then finds the binary built.
mkdir -p "$root/.tools"
exec 9>"$root/.tools/contour-upstream-$version.lock"
flock 9 || fail "cannot lock $root/.tools/contour-upstream-$version.lock"

# Captured first: `contour version | grep -q` fails at random under pipefail (grep exits, contour gets SIGPIPE).
installed=""
[ -x "$dir/bin/contour" ] && installed=$("$dir/bin/contour" version 2>&1 || true)
if [[ "$installed" != *"version: v$version"* ]]; then
  echo "building upstream contour v$version with $(go version) into $dir" >&2
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/bin"
  # -ldflags: contour reports its version from these variables (a `go install` leaves them empty).
  GOBIN="$dir.tmp/bin" go install -trimpath \
    -ldflags "-s -w -X github.com/projectcontour/contour/internal/build.Version=v$version -X github.com/projectcontour/contour/internal/build.Branch=release-${version%.*}" \
    "github.com/projectcontour/contour/cmd/contour@v$version" >&2 \
    || fail "go install github.com/projectcontour/contour/cmd/contour@v$version failed (see above)"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
fi

moddir=$(go env GOMODCACHE)/github.com/projectcontour/contour@v$version
crds="$moddir/examples/contour/01-crds.yaml"
if [ ! -f "$crds" ]; then
  go mod download "github.com/projectcontour/contour@v$version" >&2 || fail "go mod download failed"
fi
[ -f "$crds" ] || fail "$crds is missing from the module"
echo "CONTOUR_UPSTREAM_BIN=$dir/bin/contour"
echo "CONTOUR_UPSTREAM_CRDS=$crds"
