#!/usr/bin/env bash
# Debian packages the test suite needs beyond Python: Chromium for the browser tests
# (driven by Playwright from pip, executable /usr/bin/chromium), poppler's pdftotext and
# pdftoppm to read rendered PDFs back, and zbar to decode QR codes with a real decoder.
# Installs only what is missing; needs root (CI and these machines run as root).
set -euo pipefail
#
# `tools/system-deps.sh bench` (make bench-deps) installs what `make bench` needs instead: wrk,
# the HTTP load generator.
need=()
if [ "${1:-}" = bench ]; then
  command -v wrk >/dev/null || need+=(wrk)
else
  command -v chromium >/dev/null || need+=(chromium)
  command -v pdftotext >/dev/null || need+=(poppler-utils)
  command -v zbarimg >/dev/null || need+=(zbar-tools)
  # pg_dump/pg_restore for `flask ocop backup/restore` on PostgreSQL (match the server's major
  # version in production).
  command -v pg_dump >/dev/null || need+=(postgresql-client)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]} (run: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
