#!/usr/bin/env bash
# Ensures a Docker engine answers on the unix socket (default /var/run/docker.sock, or the path of a
# `unix://` DOCKER_HOST): installs Debian's docker.io when dockerd is missing, starts dockerd in the
# background (logs in /tmp/dockerd.log) when no engine answers, and waits up to 30 s for /_ping.
# Also installs busybox-static, which the Docker client's tests copy into the images they build
# without a registry. Safe to run again: it does only what is missing.
source "$(dirname "$0")/lib.sh"

socket=/var/run/docker.sock
if [[ "${DOCKER_HOST:-}" == unix://* ]]; then socket="${DOCKER_HOST#unix://}"; fi
log_file=/tmp/dockerd.log

ping_engine() {
  command -v curl >/dev/null 2>&1 || return 1
  [ "$(curl -s --max-time 2 --unix-socket "$socket" http://localhost/_ping 2>/dev/null)" = "OK" ]
}

apt_install curl ca-certificates busybox-static

if ping_engine; then
  log "a Docker engine answers on $socket"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  apt_install docker.io
  command -v dockerd >/dev/null 2>&1 || die "installed docker.io but dockerd is still not on PATH"
fi
# dockerd needs iptables for bridge networks; docker.io depends on it, but check for a clear message.
command -v iptables >/dev/null 2>&1 || apt_install iptables

if [ -S "$socket" ] && ! pgrep -x dockerd >/dev/null 2>&1; then
  log "removing stale socket $socket (no dockerd runs)"
  as_root rm -f "$socket"
fi

if pgrep -x dockerd >/dev/null 2>&1; then
  log "dockerd runs but does not answer on $socket yet; waiting"
else
  log "starting dockerd on unix://$socket (logs: $log_file)"
  as_root mkdir -p "$(dirname "$socket")"
  # nohup + setsid: the engine outlives this script and the shell that ran it.
  as_root bash -c "nohup setsid dockerd --host 'unix://$socket' >'$log_file' 2>&1 </dev/null &"
fi

for _ in $(seq 1 60); do
  if ping_engine; then
    log "Docker engine ready on $socket ($(curl -s --unix-socket "$socket" http://localhost/version | python3 -c 'import json,sys; v=json.load(sys.stdin); print("Engine", v["Version"], "API", v["ApiVersion"])' 2>/dev/null || echo 'version unknown'))"
    exit 0
  fi
  sleep 0.5
done

tail -n 30 "$log_file" >&2 2>/dev/null || true
die "no Docker engine answered on $socket after 30 s; see $log_file (dockerd needs root, iptables and cgroups; start it yourself with 'sudo dockerd' or 'systemctl start docker')"
