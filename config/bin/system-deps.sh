#!/usr/bin/env bash
# Debian packages the product and its tests use: chromium (browser tests), fonts-noto-cjk
# (Chinese certificates and pages), and WeasyPrint's Pango. Installed with apt-get when
# running as root; otherwise the script says what is missing.
set -euo pipefail
quiet=${1:-}
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  [ "$quiet" = "--quiet" ] || echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi
echo "Missing Debian packages: ${need[*]} — install them with: sudo apt-get install ${need[*]}" >&2
exit 1
