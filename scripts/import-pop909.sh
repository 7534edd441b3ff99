#!/usr/bin/env bash
# Builds a pop training corpus from the POP909 melody tracks: one multi-tune ABC file, one tune per song.
#
#   scripts/import-pop909.sh OUT.abc [extra `studio import` flags…]
#
# Reads ../shared/corpora/pop-midi/POP909-melody/*.mid (override with POP909_DIR=…), runs `studio import` on the
# directory (melody track, quantised, meter/key/unit inferred, every tune validated), writes OUT.abc atomically,
# then checks it with `studio validate` and prints the share of songs imported. Sung notes are often released a
# sixteenth before the next one, so `--fill-rests 1` absorbs such one-step rests into the note before (about 8 %
# less text, onsets and pitches unchanged); pass `--fill-rests 0` to keep them. Uses a release build of studio
# (built if needed; STUDIO=/path/to/studio skips the build). Exit status: 0 success, 1 fewer than 98% of the songs
# imported or the output fails validation, 2 usage or missing input.
set -euo pipefail

if [ $# -lt 1 ] || [ "${1#-}" != "$1" ]; then
  echo "usage: scripts/import-pop909.sh OUT.abc [studio import flags…]" >&2
  exit 2
fi
OUT="$1"
shift

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DIR="${POP909_DIR:-$ROOT/../shared/corpora/pop-midi/POP909-melody}"
if [ ! -d "$DIR" ]; then
  echo "import-pop909: $DIR does not exist (POP909 melodies; see ../shared/corpora/pop-midi/README.md)" >&2
  exit 2
fi
TOTAL=$(find "$DIR" -maxdepth 1 -name '*.mid' | wc -l)
if [ "$TOTAL" -eq 0 ]; then
  echo "import-pop909: no .mid files in $DIR" >&2
  exit 2
fi

if [ -z "${STUDIO:-}" ]; then
  echo "import-pop909: building studio (release)"
  (cd "$ROOT" && swift build -c release --product studio 2>&1 | grep -vE "prohibited flag|^\[" || true)
  STUDIO="$(cd "$ROOT" && swift build -c release --show-bin-path)/studio"
fi
[ -x "$STUDIO" ] || { echo "import-pop909: no studio executable at $STUDIO" >&2; exit 2; }

"$STUDIO" import "$DIR" -o "$OUT" --fill-rests 1 "$@"

TUNES=$(grep -c '^X:' "$OUT" || true)
echo "import-pop909: $TUNES of $TOTAL songs in $OUT"
if ! "$STUDIO" validate "$OUT" --only errors >/dev/null; then
  echo "import-pop909: $OUT does not validate; run: $STUDIO validate $OUT --only errors" >&2
  exit 1
fi
echo "import-pop909: $OUT validates without errors"
if [ $((TUNES * 100)) -lt $((TOTAL * 98)) ]; then
  echo "import-pop909: fewer than 98% of the songs were imported" >&2
  exit 1
fi
