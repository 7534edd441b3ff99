#!/usr/bin/env bash
# Runs studio's test suite (installs missing system packages first; see scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --deps-only
exec swift test "$@"
