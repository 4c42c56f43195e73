#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine: libcurl's headers, openssl,
# python3 (test peers). Safe to run again: it installs only what is missing.
source "$(dirname "$0")/lib.sh"
require_swift
apt_install libcurl4-openssl-dev libsqlite3-dev openssl python3 python3-pip pkg-config ca-certificates
# Real MCP peers for the gateway's tests: the official Python SDK as a client, mcp-server-time as
# a stdio upstream.
pip_install "mcp>=2.3" mcp-server-time
log "prerequisites present"
