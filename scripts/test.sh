#!/usr/bin/env bash
# Runs studio's test suite (installs missing system packages first; see scripts/setup.sh). Without arguments it
# then runs the real-ALSA-sequencer tests (scripts/test-alsa.sh): natively where /dev/snd/seq exists, else in a
# QEMU VM through ../shared/tools/with-alsa-seq.sh when that exists, else it prints why they skip.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --deps-only
if [[ $# -gt 0 ]]; then exec swift test "$@"; fi
swift test
scripts/test-alsa.sh
