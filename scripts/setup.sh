#!/usr/bin/env bash
# Sets studio up on a Debian machine with Swift installed, then runs its main job.
#
#   scripts/setup.sh             install what is missing, build (release), generate tunes into out/
#   scripts/setup.sh --deps-only install what is missing and stop (used by scripts/test.sh and CI)
#
# Idempotent: packages already installed are not touched; apt runs only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  pkg-config
  libopenblas-dev      # LSTM: cblas_sgemm
  libfluidsynth-dev    # Render: synthesis
  libsndfile1-dev      # Render: WAV/FLAC/OGG writing
  libasound2-dev       # play/ports: ALSA sequencer
  abcmidi              # abc2midi: the reference the MIDI converter is tested against
  fluidsynth           # the fluidsynth CLI: render benchmark baseline
  timgm6mb-soundfont   # a small General MIDI SoundFont (/usr/share/sounds/sf2/TimGM6mb.sf2)
  time                 # /usr/bin/time for the benchmark scripts (max RSS)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: system packages present"
fi

command -v swift >/dev/null || { echo "setup: swift is not on PATH; install Swift 6.x first (swift.org)" >&2; exit 2; }

[ "${1:-}" = "--deps-only" ] && exit 0

echo "setup: building studio (release)"
swift build -c release --product studio 2>&1 | grep -vE "prohibited flag|^\[" || true
STUDIO="$(swift build -c release --show-bin-path)/studio"
[ -x "$STUDIO" ] || { echo "setup: build failed" >&2; exit 2; }

mkdir -p out
echo "setup: main job — generating tunes with the shipped irish model into out/"
"$STUDIO" generate --model irish --count 3 --seed 7 --midi --wav --out-dir out --force
echo "setup: done. Files in out/:"
ls -l out
