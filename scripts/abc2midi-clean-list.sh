#!/usr/bin/env bash
# Writes Tests/ABCParserTests/Fixtures/abc2midi-clean.tsv: the tunes of ../shared/corpora that abc2midi converts
# without any warning or error, one per line as "<path relative to the corpora dir><TAB><1-based tune ordinal>".
# The ABCParser corpus test checks that the validator reports no error on these tunes (tune ids only, no corpus data).
#
# Usage: scripts/abc2midi-clean-list.sh [CORPORA_DIR]   (default: ../shared/corpora relative to the package root)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpora="${1:-$root/../shared/corpora}"
out="$root/Tests/ABCParserTests/Fixtures/abc2midi-clean.tsv"
command -v abc2midi >/dev/null || { echo "abc2midi not found (apt-get install abcmidi)" >&2; exit 2; }
[ -d "$corpora" ] || { echo "corpora not found at $corpora" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tmp="$work/list.tsv"
: > "$tmp"
cd "$corpora"
find irish.abc nottingham pop -name '*.abc' -type f | LC_ALL=C sort | while IFS= read -r f; do
  # abc2midi writes one .mid per tune into the current directory; run it in a scratch directory.
  (cd "$work" && abc2midi "$corpora/$f" > "$work/out.txt" 2>&1 || true; rm -f "$work"/*.mid)
  awk -v file="$f" -v msgs="$work/out.txt" '
    BEGIN {
      dirtyAll = 0
      while ((getline line < msgs) > 0) {
        if (line ~ /^(Warning|Error)/) {
          if (match(line, /line-char [0-9]+-/)) {
            n = substr(line, RSTART + 10, RLENGTH - 11) + 0
            bad[n] = 1
          } else {
            dirtyAll = 1
          }
        }
      }
    }
    { sub(/\r$/, "") }
    /^X:/ { tune++; start[tune] = NR }
    END {
      for (t = 1; t <= tune; t++) {
        stop = (t < tune) ? start[t + 1] - 1 : NR
        clean = !dirtyAll
        for (n in bad) if (n + 0 >= start[t] && n + 0 <= stop) clean = 0
        if (clean) printf "%s\t%d\n", file, t
      }
    }' "$f" >> "$tmp"
done
{
  echo "# Tunes abc2midi $(abc2midi -ver 2>/dev/null | head -1) converts without warnings; made by scripts/abc2midi-clean-list.sh"
  cat "$tmp"
} > "$out"
echo "wrote $(grep -vc '^#' "$out") tune ids to $out"
