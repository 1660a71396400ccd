#!/usr/bin/env bash
# The browser tests drive Debian's chromium (never a browser build a test tool downloads). Installs it with apt
# when it is missing, and prints its absolute path.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  echo "[portal] installing Debian's chromium with apt" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >&2
fi
command -v chromium
