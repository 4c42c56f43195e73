#!/usr/bin/env bash
# Shared helpers for the hack/ scripts: logging and installing what a fresh machine lacks.
set -eEuo pipefail
# A command that stops a script names itself, its file and line (set -E: also inside functions).
on_error() {
  local status=$?
  printf 'error: %s:%s: "%s" failed (exit status %s)\n' "${BASH_SOURCE[1]:-?}" "${BASH_LINENO[0]}" "$BASH_COMMAND" "$status" >&2
}
trap on_error ERR

# Every log line carries the wall-clock time since the outermost script started (CI reads where the
# time went from these).
: "${MCP_T0:=$(date +%s)}"
export MCP_T0
elapsed() { local s=$(( $(date +%s) - MCP_T0 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }
log() { printf '\033[1m==> [%s %s] %s\033[0m\n' "$(date -u +%H:%M:%S)" "$(elapsed)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "this step needs root (it runs: $*); run as root or install sudo"
  fi
}

# apt_install PKG...: installs the Debian packages that are not installed yet.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get to install them"
  log "installing Debian packages: ${missing[*]}"
  if [ ! -f /tmp/.mcp-operator-apt-updated ]; then
    as_root apt-get update -qq && touch /tmp/.mcp-operator-apt-updated
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# pip_install [--PIP-FLAG...] PKG...: installs Python packages that are not installed yet (module
# names may differ, so the check is pip's own); leading --flags go to `pip install`.
pip_install() {
  local flags=() missing=()
  while [ $# -gt 0 ] && [[ "$1" == --* ]]; do flags+=("$1"); shift; done
  for pkg in "$@"; do
    python3 -m pip show "${pkg%%[=<>]*}" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Python packages: ${missing[*]}"
  python3 -m pip install -q --disable-pip-version-check "${flags[@]}" "${missing[@]}"
}

require_swift() {
  command -v swift >/dev/null 2>&1 || [ -x /opt/swift/usr/bin/swift ] || die "Swift 6 is needed (swift not found on PATH or in /opt/swift)"
  command -v swift >/dev/null 2>&1 || export PATH=/opt/swift/usr/bin:$PATH
}
