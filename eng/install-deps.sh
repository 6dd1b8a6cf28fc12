#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh machine of this project's kind.
# Idempotent: each step is skipped when its tool is already there.
set -euo pipefail

need_apt=()
# Native libraries and tools used by later layers are added here as they land
# (libvpx7 for VP8, chromium for the interop tests, nodejs/npm for the signaling server).
for pkg in "$@"; do
  if ! dpkg -s "$pkg" >/dev/null 2>&1; then need_apt+=("$pkg"); fi
done

if ((${#need_apt[@]})); then
  echo "install-deps: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET SDK (see global.json) is required and is not on PATH" >&2
  exit 1
fi
