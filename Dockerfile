# Build stage: the TypeScript compiled once into dist/ (tsc is a dev dependency), templates, views and
# static files copied beside their modules, dist/ stamped (bin/build.mjs).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN node bin/build.mjs

# Run stage: the compiled code on production dependencies only. No TypeScript sources are shipped, so
# bin/kuzet.mjs runs dist/ (bin/dist.mjs: a tree without sources runs its dist/ as it is); nothing is
# transpiled at runtime.
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY bin/kuzet.mjs bin/dist.mjs ./bin/
COPY kuzet.yaml ./
COPY --from=build /app/dist ./dist
ENV NODE_ENV=production
EXPOSE 8080
ENTRYPOINT ["node", "bin/kuzet.mjs"]
CMD ["start", "--config", "kuzet.yaml"]
