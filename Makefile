# contour: every command a developer or CI needs. `make test` works on a fresh machine.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

NODE_MODULES_STAMP := node_modules/.package-lock.json
GEN_STAMP := xds/gen/.stamp
PROTOGEN_INPUTS := $(wildcard xds/protogen/*) package-lock.json

.PHONY: deps tools gen build build-info typecheck test test-unit test-e2e demo bench clean distclean

## deps: install npm packages exactly as package-lock.json pins them
deps: $(NODE_MODULES_STAMP)
$(NODE_MODULES_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## tools: install Envoy, etcd and kube-apiserver (pinned in e2e/tools/versions.env, cached in .tools/)
tools:
	bash e2e/tools/install.sh

## gen: generate TypeScript from the Envoy protos (into xds/gen/, never edited by hand)
gen: $(GEN_STAMP)
$(GEN_STAMP): $(NODE_MODULES_STAMP) $(PROTOGEN_INPUTS)
	bash xds/protogen/generate.sh
	@touch $@

## build: type-check and compile into dist/
build: gen
	npx tsc -p tsconfig.json
	@$(MAKE) --no-print-directory build-info

## build-info: record the git commit and branch in dist/build-info.json for `contour version` (no git: nothing written)
build-info:
	@if sha=$$(git rev-parse HEAD 2>/dev/null); then mkdir -p dist; branch=$$(git rev-parse --abbrev-ref HEAD); \
	  printf '{"sha":"%s","branch":"%s"}\n' "$$sha" "$$branch" > dist/build-info.json; fi

typecheck: gen
	npx tsc -p tsconfig.json --noEmit

## test: everything CI runs: tools, generated code, type-check, unit tests, e2e tests (among them the Gateway API
##   conformance profiles we claim, with the claimed features: e2e/cluster/conformance-claimed.e2e.test.ts)
test: tools build
	npx mocha --config .mocharc.unit.json
	npx mocha --config .mocharc.e2e.json

test-unit: build
	npx mocha --config .mocharc.unit.json

test-e2e: tools build
	npx mocha --config .mocharc.e2e.json

## demo: a local cluster (etcd + kube-apiserver), contour, Envoy and a demo app; prints the curl to try
demo: tools build
	node dist/e2e/demo/main.js

## bench: benchmarks that print figures (not part of `make test`)
bench: tools build
	node dist/bench/xds-push.js

clean:
	rm -rf dist xds/gen e2e-logs

distclean: clean
	rm -rf node_modules .tools

## bench-upstream: our controller and upstream Contour v1.33.6 side by side on the e2e bed (not part of `make test`)
##   N = 100, 1,000, 10,000 root HTTPProxies; ~16 minutes on 2 cores; results in bench/results/<timestamp>.md.
##   Builds upstream once (e2e/tools/install-upstream-contour.sh, cached in .tools/). Knobs: see bench/side-by-side/main.ts.
.PHONY: bench-upstream
bench-upstream: tools build
	node dist/bench/side-by-side/main.js

## e2e-upstream-ports: every port of upstream's e2e suites (specs naming test/e2e/<suite>/<file>_test.go) against
##   upstream Contour v1.33.6 and against ours, one mocha JSON result per spec and controller in e2e-logs/ports/;
##   rewrites the table in e2e/README.md. SPECS="merge-slash ..." runs only those (the other rows are kept).
.PHONY: e2e-upstream-ports
e2e-upstream-ports: tools build
	node dist/e2e/ports/run-upstream-ports.js $(SPECS)

## image: build the container image (IMAGE, default contour:latest) with docker, podman or buildah
##   This needs an image builder; the development machines have none, so it stops with a message there.
IMAGE ?= contour:latest
.PHONY: image
image:
	@builder=""; \
	for b in docker podman buildah; do \
	  if command -v $$b >/dev/null 2>&1 && $$b info >/dev/null 2>&1; then builder=$$b; break; fi; \
	done; \
	if [ -z "$$builder" ]; then echo "make image: no working image builder (docker or podman with a running daemon, or buildah) on this machine; build the Dockerfile elsewhere" >&2; exit 1; fi; \
	if [ "$$builder" = buildah ]; then buildah bud -t $(IMAGE) .; else $$builder build -t $(IMAGE) .; fi

## install-manifests: render config/install/contour.yaml from crds/*.yaml and config/install/parts/*.yaml
.PHONY: install-manifests
install-manifests: build
	node dist/config/install/render.js .

## conformance: the Gateway API v1.6.1 conformance suite, profiles GATEWAY-HTTP, GATEWAY-TLS, GATEWAY-GRPC, GATEWAY-TCP and GATEWAY-UDP, against contour and an
## Envoy pod on a fresh bed with pods; writes the official report to conformance/report.yaml; fails when a test fails
.PHONY: conformance
conformance: tools build
	node dist/e2e/cluster/conformance-contour.js --report conformance/report.yaml

## config-diff: upstream Contour v1.33.6 and our controller on the same bed and objects (two HTTPProxies, two Ingresses,
##   plain and TLS, default settings); each Envoy's /config_dump normalised and diffed into bench/results/config-diff-<timestamp>.md
##   (not part of `make test`; the README lists the deliberate differences)
.PHONY: config-diff
config-diff: tools build
	node dist/bench/side-by-side/config-diff.js
