# syntax=docker/dockerfile:1
# Images of mcp-operator for machines that reach a registry. Three targets, one per program:
#
#   docker build --target operator -t ghcr.io/mcp-operator/mcp-operator:0.1.0 .
#   docker build --target gateway  -t ghcr.io/mcp-operator/mcp-gateway:0.1.0 .
#   docker build --target mcpctl   -t ghcr.io/mcp-operator/mcpctl:0.1.0 .
#
# The binaries link the Swift runtime and Foundation statically (--static-swift-stdlib); the
# runtime image adds only libcurl (the control-plane HTTP transport), SQLite (local mode) and CA
# certificates. Without a registry, hack/images.sh builds the images offline instead.

FROM swift:6.3.1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4-openssl-dev libsqlite3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a source change does not fetch them again.
COPY Package.swift ./
RUN swift package resolve
COPY . .
RUN swift build -c release --static-swift-stdlib --product mcp-operator \
 && swift build -c release --static-swift-stdlib --product mcp-gateway \
 && swift build -c release --static-swift-stdlib --product mcpctl \
 && mkdir -p /out \
 && bin="$(swift build -c release --show-bin-path)" \
 && cp "$bin/mcp-operator" "$bin/mcp-gateway" "$bin/mcpctl" /out/ \
 && strip /out/mcp-operator /out/mcp-gateway /out/mcpctl

FROM debian:bookworm-slim AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libcurl4 libsqlite3-0 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 nonroot \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nonroot
LABEL org.opencontainers.image.source="https://github.com/mcp-operator/mcp-operator" \
      org.opencontainers.image.url="https://github.com/mcp-operator/mcp-operator" \
      org.opencontainers.image.vendor="mcp-operator" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
# The uid and gid the operator's manifests and the planner's pods run as.
USER 65532:65532

# The MCP gateway: /mcp-gateway, where the operator's pods expect it (an init container copies
# it into stdio servers' pods with `cp`, which this base provides).
FROM runtime AS gateway
LABEL org.opencontainers.image.title="mcp-gateway" \
      org.opencontainers.image.description="The policy-enforcing gateway in front of every MCP server."
COPY --from=build /out/mcp-gateway /mcp-gateway
USER 65532:65532
EXPOSE 8080 9090
ENTRYPOINT ["/mcp-gateway"]

# The command line (local mode, policy tools, CRD generation).
FROM runtime AS mcpctl
LABEL org.opencontainers.image.title="mcpctl" \
      org.opencontainers.image.description="The mcp-operator command line: local mode, policy tools, CRD generation."
COPY --from=build /out/mcpctl /usr/local/bin/mcpctl
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/mcpctl"]

# The operator (the default target); mcpctl comes along for `kubectl exec` diagnostics.
FROM runtime AS operator
LABEL org.opencontainers.image.title="mcp-operator" \
      org.opencontainers.image.description="The Kubernetes operator for MCP servers."
COPY --from=build /out/mcp-operator /usr/local/bin/mcp-operator
COPY --from=build /out/mcpctl /usr/local/bin/mcpctl
USER 65532:65532
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/mcp-operator"]
