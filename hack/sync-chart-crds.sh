#!/usr/bin/env bash
# Copies the generated CRDs (crds/*.yaml, written by `swift run mcpctl crds generate`) into the
# chart (helm/mcp-operator/crds/), where Helm installs them before the templates. Run it after
# regenerating the CRDs; hack/checks.sh fails while the two differ.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
dest=helm/mcp-operator/crds
mkdir -p "$dest"
# Drop copies of CRDs that no longer exist.
for copy in "$dest"/*.yaml; do
  [ -e "$copy" ] || continue
  [ -e "crds/$(basename "$copy")" ] || { log "removing $copy (no longer in crds/)"; rm -f "$copy"; }
done
for crd in crds/*.yaml; do
  [ "$(basename "$crd")" = kustomization.yaml ] && continue
  if ! cmp -s "$crd" "$dest/$(basename "$crd")"; then
    log "copying $crd to $dest/"
    cp "$crd" "$dest/"
  fi
done
log "chart CRDs match crds/"
