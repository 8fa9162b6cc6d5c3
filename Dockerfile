# contour's container image: `make image` (IMAGE=contour:latest by default).
# Stage 1 builds: npm ci (with dev dependencies: TypeScript, the proto generator), make build.
FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY Makefile tsconfig.json ./
COPY xds ./xds
COPY crds ./crds
COPY controllers ./controllers
COPY operator ./operator
COPY config ./config
# tsc compiles every folder tsconfig.json lists; e2e and bench are compiled but not shipped.
COPY e2e ./e2e
COPY bench ./bench
RUN touch node_modules/.package-lock.json && make build \
 && find dist -name '*.test.js' -delete -o -name '*.test.js.map' -delete

# Stage 2 installs the production dependencies only.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# Stage 3 is what runs: Node 20, production node_modules, the compiled CLI; no compiler, no sources.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /src/dist/operator ./dist/operator
COPY --from=build /src/dist/controllers ./dist/controllers
COPY --from=build /src/dist/xds ./dist/xds
COPY --from=build /src/dist/crds ./dist/crds
COPY --from=build /src/dist/config ./dist/config
# Upstream's manifests call both `contour` (on PATH) and `/bin/contour`: the CLI's shebang runs node.
RUN chmod 0755 dist/operator/main.js \
 && ln -s /app/dist/operator/main.js /usr/local/bin/contour \
 && ln -sf /app/dist/operator/main.js /bin/contour
# nobody:nogroup, as upstream's manifests run it; nothing in the image needs to be writable.
USER 65534:65534
ENTRYPOINT ["contour"]
