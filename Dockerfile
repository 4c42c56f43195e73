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
#
# The gateway is laid out as in hack/images.sh: /opt/mcp-gateway/bin/mcp-gateway,
# /opt/mcp-gateway/etc/ca-certificates.crt (for stdio servers' images that carry no CA bundle) and
# /opt/mcp-gateway/lib/ holding every library `ldd` lists and the dynamic loader, the binary's
# interpreter and RPATH patched (patchelf) to point there. The folder so runs in any image: the
# operator's init container copies it (`mcp-gateway --install-to`) into a volume that a stdio
# server's container mounts at /opt/mcp-gateway.

FROM swift:6.3.1-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libcurl4-openssl-dev libsqlite3-dev patchelf \
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
# The gateway's install folder. ldd lines look like "libfoo.so.1 => /path/libfoo.so.1 (0x...)" or
# "/lib64/ld-linux-x86-64.so.2 (0x...)"; each library is copied under the name the binary asks for.
RUN set -e \
 && opt=/opt/mcp-gateway \
 && mkdir -p "$opt/bin" "$opt/lib" \
 && if ldd /out/mcp-gateway | grep -q "not found"; then ldd /out/mcp-gateway >&2; exit 1; fi \
 && ldd /out/mcp-gateway \
    | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 } $1 ~ /^\// && $2 ~ /^\(/ { n = $1; sub(/.*\//, "", n); print n, $1 }' \
    | while read -r name path; do cp -L "$path" "$opt/lib/$name" || exit 1; done \
 && interpreter="$(patchelf --print-interpreter /out/mcp-gateway)" \
 && loader="$(basename "$interpreter")" \
 && if [ ! -f "$opt/lib/$loader" ]; then cp -L "$interpreter" "$opt/lib/"; fi \
 && cp /out/mcp-gateway "$opt/bin/mcp-gateway" \
 && find "$opt/lib" -type f -exec chmod 0644 {} + \
 && chmod 0755 "$opt/bin/mcp-gateway" "$opt/lib/$loader" \
 && mkdir -p "$opt/etc" && cp -L /etc/ssl/certs/ca-certificates.crt "$opt/etc/ca-certificates.crt" \
 && chmod 0644 "$opt/etc/ca-certificates.crt" \
 && patchelf --set-interpreter "$opt/lib/$loader" --force-rpath --set-rpath "$opt/lib" "$opt/bin/mcp-gateway" \
 && "$opt/bin/mcp-gateway" --help >/dev/null

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

# The MCP gateway: its install folder at /opt/mcp-gateway, where the operator's pods run it from
# (GatewayLayout in Sources/OperatorCore). The init container of a stdio server's pod runs
# `/opt/mcp-gateway/bin/mcp-gateway --install-to DIR` to copy the folder into the pod's volume.
FROM runtime AS gateway
LABEL org.opencontainers.image.title="mcp-gateway" \
      org.opencontainers.image.description="The policy-enforcing gateway in front of every MCP server."
COPY --from=build /opt/mcp-gateway /opt/mcp-gateway
USER 65532:65532
EXPOSE 8080 9090
ENTRYPOINT ["/opt/mcp-gateway/bin/mcp-gateway"]

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
