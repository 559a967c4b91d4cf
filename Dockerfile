# syntax=docker/dockerfile:1

# ---- build: compile TypeScript and the better-sqlite3 native addon -------------------------
FROM node:20-bookworm-slim AS build
# better-sqlite3 falls back to compiling from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build \
 && npm prune --omit=dev

# ---- runtime: only what `node dist/src/main.js` needs ---------------------------------------
# Same Debian release and Node major as the build stage, so the native addon links as built.
FROM node:20-bookworm-slim AS runtime
ENV HOST=0.0.0.0 \
    PORT=3000 \
    NODE_ENV=production \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The dashboard's pages and scripts, found next to package.json at runtime.
COPY --from=build --chown=node:node /app/public ./public
# The seed incidents, for `node dist/src/main.js --seed` or `node dist/src/cli/seed.js`.
COPY --from=build --chown=node:node /app/seeds ./seeds
# The SQLite backend (the default) writes here; mount a volume on it to keep the data.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
# Readiness, not liveness: healthy only while this instance follows the log (/health/ready is 503
# while its subscription is down or its read model lags). The image has no curl; Node's fetch does.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
