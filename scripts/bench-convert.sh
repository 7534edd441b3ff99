#!/usr/bin/env bash
# Benchmark `studio convert --out-dir` against `abc2midi` on the same corpus files in the same run: irish.abc and
# every file of nottingham/, one MIDI file per tune. studio is run once per file (as abc2midi is) and once on all
# files together (one process). Reports wall time, CPU time (user + system) and the largest
# resident set of any single conversion, best of RUNS runs, plus studio's peak memory per input file (memory must
# stay flat as files grow: each tune is cut out, parsed, performed and written on its own). studio performs and
# encodes tunes on all cores (files are written by one thread, in order), so its wall time can be below its CPU time.
# CPU time includes the kernel's file creation, which is large and noisy on some disks: compare runs made together.
#
# abc2midi is measured twice: on each corpus file (it names its output by X: number, so tunes sharing a number
# overwrite each other and irish.abc yields fewer files than tunes), and on one file per tune (1838 runs), which is
# what it takes to get one MIDI file per tune from abc2midi.
#
# Usage: scripts/bench-convert.sh            (builds studio in release mode first)
#        STUDIO=/path/to/studio RUNS=5 scripts/bench-convert.sh
# Environment: CORPORA (default ../shared/corpora), STUDIO (a built studio; default: build one), SCRATCH (build
# directory for that build), RUNS (default 3).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpora=${CORPORA:-$root/../shared/corpora}
runs=${RUNS:-3}

if [ ! -f "$corpora/irish.abc" ] || [ ! -d "$corpora/nottingham" ]; then
  echo "skipped: $corpora/irish.abc or $corpora/nottingham is missing" >&2
  exit 0
fi
if ! command -v abc2midi >/dev/null 2>&1; then
  echo "skipped: abc2midi is not installed (apt-get install abcmidi)" >&2
  exit 0
fi
if [ ! -x /usr/bin/time ]; then
  echo "error: /usr/bin/time is needed for CPU and memory figures (apt-get install time)" >&2
  exit 2
fi

if [ -z "${STUDIO:-}" ]; then
  scratch=${SCRATCH:-/tmp/build-bench-convert}
  echo "building studio (release) in $scratch …" >&2
  swift build -c release --product studio --package-path "$root" --scratch-path "$scratch" >&2
  STUDIO=$scratch/release/studio
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/bench-convert.XXXXXX")
trap 'rm -rf "$work"' EXIT

inputs=("$corpora/irish.abc")
for f in "$corpora"/nottingham/*.abc; do inputs+=("$f"); done
tunes=$(cat "${inputs[@]}" | grep -c '^X:' || true)
bytes=$(cat "${inputs[@]}" | wc -c)

# Runs "$@" under /usr/bin/time; prints "wall user system maxrss_kb".
measure() {
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || {
    status=$?
    # studio convert exits 1 when a tune has no music (it still writes the others); anything else is a failure.
    if [ "$status" -ne 1 ]; then
      cat "$work/stderr.txt" >&2
      echo "error: $* failed with status $status" >&2
      exit 2
    fi
  }
  tail -n 1 "$work/time.txt"
}

# abc2midi once per tune: the corpus cut into one .abc file per tune (not timed), then one timed loop.
split_tunes() {
  local dir="$work/tunes"
  rm -rf "$dir" && mkdir -p "$dir"
  for input in "${inputs[@]}"; do
    awk -v stem="$dir/$(basename "$input" .abc)" \
      '/^X:/ { n++; file = sprintf("%s-%04d.abc", stem, n) } file != "" { print > file }' "$input"
  done
}

per_tune_pass() {
  local out="$work/abc2midi-tunes-out"
  rm -rf "$out" && mkdir -p "$out"
  local line
  line=$(cd "$out" && measure bash -c 'for f in "$1"/*.abc; do abc2midi "$f" -o "$(basename "$f" .abc).mid" -silent; done' \
    _ "$work/tunes")
  read -r w u s m <<<"$line"
  echo "$w $(awk -v a="$u" -v b="$s" 'BEGIN { print a + b }') $m $(find "$out" -name '*.mid' | wc -l)"
}

# studio once on every input: one process, one output directory.
studio_all_pass() {
  local out="$work/studio-all-out"
  rm -rf "$out" && mkdir -p "$out"
  local line
  line=$(cd "$out" && measure "$STUDIO" convert "${inputs[@]}" --out-dir "$out/midi")
  read -r w u s m <<<"$line"
  echo "$w $(awk -v a="$u" -v b="$s" 'BEGIN { print a + b }') $m $(find "$out" -name '*.mid' | wc -l)"
}

# One pass of a tool over every input into a fresh directory: "wall cpu maxrss_kb files".
pass() {
  if [ "$1" = abc2midi-tunes ]; then
    per_tune_pass
    return
  fi
  if [ "$1" = studio-all ]; then
    studio_all_pass
    return
  fi
  local tool=$1 out="$work/$1-out"
  rm -rf "$out" && mkdir -p "$out"
  local wall=0 cpu=0 rss=0 line
  for input in "${inputs[@]}"; do
    local stem
    stem=$(basename "$input" .abc)
    if [ "$tool" = abc2midi ]; then
      # abc2midi writes <stem><X>.mid next to its input: give it a copy in the output directory (not timed).
      cp "$input" "$out/$stem.abc"
      line=$(cd "$out" && measure abc2midi "$stem.abc" -silent)
      rm -f "$out/$stem.abc"
    else
      # Run from the output directory so no ./config.yaml is picked up.
      line=$(cd "$out" && measure "$STUDIO" convert "$input" --out-dir "$out/$stem")
    fi
    if [ -z "$line" ]; then exit 2; fi
    read -r w u s m <<<"$line"
    wall=$(awk -v a="$wall" -v b="$w" 'BEGIN { print a + b }')
    cpu=$(awk -v a="$cpu" -v b="$u" -v c="$s" 'BEGIN { print a + b + c }')
    [ "$m" -gt "$rss" ] && rss=$m
    [ "$tool" = studio ] && echo "$stem $(stat -c %s "$input") $m" >>"$work/studio-rss.txt"
  done
  echo "$wall $cpu $rss $(find "$out" -name '*.mid' | wc -l)"
}

best() {  # best of $runs passes of tool $1 (least wall time)
  local tool=$1 best_line="" best_wall=""
  for _ in $(seq "$runs"); do
    rm -f "$work/studio-rss.txt"
    local line
    line=$(pass "$tool")
    local w=${line%% *}
    if [ -z "$best_wall" ] || awk -v a="$w" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
      best_wall=$w
      best_line=$line
      [ -f "$work/studio-rss.txt" ] && cp "$work/studio-rss.txt" "$work/studio-rss-best.txt"
    fi
  done
  echo "$best_line"
}

echo "corpus: ${#inputs[@]} files, $tunes tunes, $bytes bytes (irish.abc + nottingham/); best of $runs runs"
split_tunes
read -r a_wall a_cpu a_rss a_files <<<"$(best abc2midi)"
read -r t_wall t_cpu t_rss t_files <<<"$(best abc2midi-tunes)"
read -r s_wall s_cpu s_rss s_files <<<"$(best studio)"
read -r o_wall o_cpu o_rss o_files <<<"$(best studio-all)"
row() { printf '%-24s %10.3f %10.3f %14.1f %12d\n' "$1" "$2" "$3" "$(awk -v r="$4" 'BEGIN { print r / 1024 }')" "$5"; }
printf '%-24s %10s %10s %14s %12s\n' run "wall (s)" "cpu (s)" "max RSS (MB)" "MIDI files"
row "abc2midi, per file" "$a_wall" "$a_cpu" "$a_rss" "$a_files"
row "abc2midi, per tune" "$t_wall" "$t_cpu" "$t_rss" "$t_files"
row "studio, per file" "$s_wall" "$s_cpu" "$s_rss" "$s_files"
row "studio, all in one run" "$o_wall" "$o_cpu" "$o_rss" "$o_files"
speedup() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
echo "studio per file, speed-up (wall / cpu): vs abc2midi per file $(speedup "$a_wall" "$s_wall") / \
$(speedup "$a_cpu" "$s_cpu"); vs abc2midi per tune $(speedup "$t_wall" "$s_wall") / $(speedup "$t_cpu" "$s_cpu")"
echo "studio all in one run, speed-up (wall / cpu): vs abc2midi per file $(speedup "$a_wall" "$o_wall") / \
$(speedup "$a_cpu" "$o_cpu"); vs abc2midi per tune $(speedup "$t_wall" "$o_wall") / $(speedup "$t_cpu" "$o_cpu")"
echo "(abc2midi per file names its output by X: number: tunes sharing a number overwrite each other)"
echo "studio peak memory per input (bytes of ABC → max RSS):"
sort -k2 -n "$work/studio-rss-best.txt" | while read -r stem size rss; do
  printf '  %-12s %8d bytes  %6.1f MB\n' "$stem" "$size" "$(awk -v r="$rss" 'BEGIN { print r / 1024 }')"
done
