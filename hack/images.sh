#!/usr/bin/env bash
# Builds the project's container images without a registry: each image is FROM scratch and holds
# one locally built binary plus exactly the shared libraries `ldd` says it needs (the dynamic loader
# included), so it runs on a machine that can reach no registry.
#
#   hack/images.sh [--debug | --bin-path DIR] [IMAGE...]
#
#   (default)       builds the four products in release mode (Swift runtime linked statically)
#   --debug         uses the binaries of the debug build (.build/debug); builds nothing
#   --bin-path DIR  uses the binaries in DIR; builds nothing
#   IMAGE...        only these of: gateway operator sample-posts sample-text (default: all)
#
# Images: $MCP_IMAGE_PREFIX/{gateway,operator,sample-posts,sample-text}:$MCP_IMAGE_TAG
# (defaults mcp-operator and dev). Layout: /opt/<folder>/bin/<binary> and /opt/<folder>/lib/ (every
# library, ld-linux included); the binary's interpreter and RPATH point into that folder, so the
# folder copied into any other image (a volume populated from the gateway image) runs there too.
# The entrypoint calls the loader explicitly. The sample images also carry /usr/bin/env (the
# gateway starts stdio servers through it). /etc/passwd and /etc/group name the non-root user
# 65532, which the images run as; /tmp has mode 1777; the gateway and operator carry CA certificates.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
root=$(pwd)

prefix=${MCP_IMAGE_PREFIX:-mcp-operator}
tag=${MCP_IMAGE_TAG:-dev}
mode=release
bin_path=""
selected=()
while [ $# -gt 0 ]; do
  case "$1" in
    --debug) mode=debug ;;
    --bin-path) [ $# -ge 2 ] || die "--bin-path needs a directory"; mode=given; bin_path=$2; shift ;;
    --bin-path=*) mode=given; bin_path=${1#--bin-path=} ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    gateway|operator|sample-posts|sample-text) selected+=("$1") ;;
    *) die "unknown argument '$1' (images: gateway operator sample-posts sample-text; options: --debug, --bin-path DIR)" ;;
  esac
  shift
done
[ ${#selected[@]} -gt 0 ] || selected=(gateway operator sample-posts sample-text)

# image -> product, folder under /opt, description
product_of() { case "$1" in gateway) echo mcp-gateway ;; operator) echo mcp-operator ;; sample-posts) echo mcp-sample-posts ;; sample-text) echo mcp-sample-text ;; esac; }
folder_of() { case "$1" in gateway) echo mcp-gateway ;; operator) echo mcp-operator ;; sample-*) echo mcp-sample ;; esac; }
description_of() {
  case "$1" in
    gateway) echo "The policy-enforcing MCP gateway" ;;
    operator) echo "The MCPServer operator" ;;
    sample-posts) echo "A sample stdio MCP server: posts in SQLite" ;;
    sample-text) echo "A sample stdio MCP plugin: text tools" ;;
  esac
}

case "$mode" in
  release)
    require_swift
    for image in "${selected[@]}"; do
      product=$(product_of "$image")
      log "building $product (release, Swift runtime linked statically)"
      swift build -c release --static-swift-stdlib --product "$product" \
        || die "the release build of $product failed (see above)"
    done
    bin_path=$(swift build -c release --show-bin-path)
    ;;
  debug)
    bin_path=$root/.build/debug
    ;;
esac
[ -d "$bin_path" ] || die "binary folder $bin_path does not exist (build first: swift build)"
bin_path=$(cd "$bin_path" && pwd)

command -v patchelf >/dev/null 2>&1 || apt_install patchelf
command -v ldd >/dev/null 2>&1 || die "ldd is needed to find the libraries a binary uses (Debian package libc-bin)"
if ! docker version >/dev/null 2>&1; then
  log "no Docker engine answers; starting one with hack/docker.sh"
  bash hack/docker.sh
fi
docker version >/dev/null 2>&1 || die "the docker command cannot reach an engine (tried: docker version)"

ca_bundle=/etc/ssl/certs/ca-certificates.crt
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
work=$(mktemp -d /tmp/mcp-images.XXXXXX)
trap 'rm -rf "$work"' EXIT

# stage_binary BINARY FOLDER ROOTFS: copies BINARY and its libraries to ROOTFS/opt/FOLDER and points
# the binary's interpreter and RPATH there.
stage_binary() {
  local binary=$1 folder=$2 rootfs=$3
  local opt=$rootfs/opt/$folder
  mkdir -p "$opt/bin" "$opt/lib"
  local listing
  listing=$(ldd "$binary" 2>&1) || die "ldd $binary failed: $listing"
  if grep -q "not found" <<<"$listing"; then
    die "$binary needs libraries that are not installed: $(grep 'not found' <<<"$listing" | tr -s ' \t' ' ')"
  fi
  local interpreter
  interpreter=$(patchelf --print-interpreter "$binary") || die "$binary is not a dynamically linked ELF executable"
  # Lines look like "libfoo.so.1 => /path/libfoo.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)".
  local name path
  while read -r name path; do
    [ -n "$path" ] || continue
    cp -L "$path" "$opt/lib/$name"
  done < <(awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 } $1 ~ /^\// && $2 ~ /^\(/ { n = $1; sub(/.*\//, "", n); print n, $1 }' <<<"$listing")
  [ -f "$opt/lib/$(basename "$interpreter")" ] || cp -L "$interpreter" "$opt/lib/"
  cp "$binary" "$opt/bin/"
  # Debug information and the symbol table are most of a release binary; images do not need them.
  if command -v strip >/dev/null 2>&1; then strip --strip-unneeded "$opt/bin/$(basename "$binary")"; fi
  chmod 0755 "$opt/bin/$(basename "$binary")" "$opt/lib/$(basename "$interpreter")"
  chmod 0644 $(find "$opt/lib" -type f ! -name "$(basename "$interpreter")")
  patchelf --set-interpreter "/opt/$folder/lib/$(basename "$interpreter")" --force-rpath --set-rpath "/opt/$folder/lib" \
    "$opt/bin/$(basename "$binary")"
  echo "/opt/$folder/lib/$(basename "$interpreter")"
}

for image in "${selected[@]}"; do
  product=$(product_of "$image")
  folder=$(folder_of "$image")
  binary=$bin_path/$product
  [ -x "$binary" ] || die "$binary is missing; build it first (swift build --product $product, or run without --debug/--bin-path)"
  name=$prefix/$image:$tag
  context=$work/$image
  rootfs=$context/rootfs
  mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/home/nonroot"
  loader=$(stage_binary "$binary" "$folder" "$rootfs")
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
  printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
  chmod 1777 "$rootfs/tmp"
  chmod 0755 "$rootfs/home/nonroot"
  env_line=""
  case "$image" in
    gateway|operator)
      [ -f "$ca_bundle" ] || apt_install ca-certificates
      mkdir -p "$rootfs/etc/ssl/certs"
      cp -L "$ca_bundle" "$rootfs/etc/ssl/certs/ca-certificates.crt"
      # The install folder carries a bundle too: --install-to copies it into the images of stdio
      # servers, which may have none (SystemTrustStore falls back to it).
      mkdir -p "$rootfs/opt/$folder/etc"
      cp -L "$ca_bundle" "$rootfs/opt/$folder/etc/ca-certificates.crt"
      chmod 0644 "$rootfs/opt/$folder/etc/ca-certificates.crt"
      env_line="ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"
      ;;
    sample-posts) env_line="ENV POSTS_DB=/tmp/posts.sqlite" ;;
  esac
  case "$image" in
    sample-*)
      # The gateway launches a stdio server through /usr/bin/env (a PATH lookup), so an image whose
      # server runs under it carries env too, bound to the same folder's libc.
      mkdir -p "$rootfs/usr/bin"
      cp -L /usr/bin/env "$rootfs/usr/bin/env"
      patchelf --set-interpreter "$loader" --force-rpath --set-rpath "/opt/$folder/lib" "$rootfs/usr/bin/env"
      ;;
  esac
  cat > "$context/Dockerfile" <<DOCKERFILE
FROM scratch
COPY rootfs/ /
$env_line
USER 65532:65532
WORKDIR /tmp
ENTRYPOINT ["$loader", "--library-path", "/opt/$folder/lib", "/opt/$folder/bin/$product"]
LABEL org.opencontainers.image.title="$prefix/$image" \\
      org.opencontainers.image.description="$(description_of "$image")" \\
      org.opencontainers.image.version="$tag" \\
      org.opencontainers.image.revision="$revision" \\
      org.opencontainers.image.created="$created"
DOCKERFILE
  libraries=$(ls "$rootfs/opt/$folder/lib" | wc -l)
  size=$(du -sh "$rootfs" | cut -f1)
  log "building $name from $binary ($libraries libraries, $size)"
  if ! output=$(docker build --tag "$name" "$context" 2>&1); then
    printf '%s\n' "$output" >&2
    die "docker build of $name failed (its output is above)"
  fi
done

log "images ready:"
for image in "${selected[@]}"; do
  docker image ls --format '  {{.Repository}}:{{.Tag}}  {{.Size}}' "$prefix/$image:$tag"
done
