#!/usr/bin/env bash
# Render benchmark: studio's renderer against the fluidsynth CLI, same MIDI, same SoundFont, same machine, same run.
# Never part of `swift test`.
#
#   scripts/bench-render.sh [--soundfont SF2] [--midi FILE.mid] [--corpus DIR|FILE.abc] [--limit N] [--repeat N]
#
#   --soundfont  SoundFont for both renderers (default: FluidR3_GM.sf2 when installed, else TimGM6mb.sf2)
#   --midi       the single file for part 1 (default: the first POP909 melody, else a MIDI made from irish.abc
#                with abc2midi)
#   --corpus     part 2: a directory of .mid files (one WAV each) or an .abc file (one WAV per tune); may be
#                repeated (default: ../shared/corpora/pop-midi/POP909-melody, then ../shared/corpora/irish.abc)
#   --limit      render at most N files of a .mid directory, or N tunes of an .abc file (default 20; 0 = all,
#                i.e. the whole corpus: POP909 is ~15 h of audio, irish.abc ~804 tunes)
#   --repeat     runs of part 1 per renderer; the fastest counts (default 3)
#
# Environment: STUDIO=path/to/studio uses that binary instead of building `swift build -c release`.
#
# Part 1 times one file through `studio render IN.mid -o OUT.wav` and `fluidsynth -ni -F OUT.wav -r 44100 SF2
# IN.mid` (both processes end to end: start-up, SoundFont load, synthesis, encoding; 44.1 kHz, 16-bit WAV, gain 0.2,
# reverb and chorus on: fluidsynth's defaults). Part 2 renders a whole corpus, one WAV per tune: studio in one
# process (SoundFont loaded once) against one fluidsynth process per file (how the CLI renders one WAV per tune).
# The real-time factor is seconds of audio written per wall-clock second.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

SOUNDFONT=""
MIDI=""
CORPORA=()
LIMIT=20
REPEAT=3
while (($#)); do
  case "$1" in
    --soundfont) SOUNDFONT="$2"; shift 2 ;;
    --midi) MIDI="$2"; shift 2 ;;
    --corpus) CORPORA+=("$2"); shift 2 ;;
    --limit) LIMIT="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-render: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

command -v fluidsynth >/dev/null || { echo "bench-render: the fluidsynth CLI is missing (sudo apt-get install fluidsynth)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench-render: python3 is needed to measure WAV lengths" >&2; exit 2; }

if [ -z "$SOUNDFONT" ]; then
  for f in /usr/share/sounds/sf2/FluidR3_GM.sf2 /usr/share/sounds/sf2/TimGM6mb.sf2; do
    [ -f "$f" ] && { SOUNDFONT="$f"; break; }
  done
fi
[ -f "$SOUNDFONT" ] || { echo "bench-render: no SoundFont (sudo apt-get install timgm6mb-soundfont, or --soundfont)" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/bench-render.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
: >"$WORK/config.yaml"  # built-in defaults, whatever ./config.yaml says

CORPUS_ROOT="$ROOT/../shared/corpora"
if [ -z "$MIDI" ]; then
  if [ -f "$CORPUS_ROOT/pop-midi/POP909-melody/001.mid" ]; then
    MIDI="$CORPUS_ROOT/pop-midi/POP909-melody/001.mid"
  elif [ -f "$CORPUS_ROOT/irish.abc" ] && command -v abc2midi >/dev/null; then
    awk 'BEGIN{RS=""} NR==1{print; exit}' "$CORPUS_ROOT/irish.abc" >"$WORK/tune.abc"
    abc2midi "$WORK/tune.abc" -o "$WORK/tune.mid" >/dev/null
    MIDI="$WORK/tune.mid"
  else
    echo "bench-render: no MIDI file; pass --midi FILE.mid" >&2; exit 2
  fi
fi
if ((${#CORPORA[@]} == 0)); then
  [ -d "$CORPUS_ROOT/pop-midi/POP909-melody" ] && CORPORA+=("$CORPUS_ROOT/pop-midi/POP909-melody")
  [ -f "$CORPUS_ROOT/irish.abc" ] && CORPORA+=("$CORPUS_ROOT/irish.abc")
fi

if [ -z "${STUDIO:-}" ]; then
  echo "bench-render: building studio (release)"
  swift build -c release --product studio 2>&1 | grep -vE "prohibited flag|^\[" || true
  STUDIO="$(swift build -c release --show-bin-path)/studio"
fi
[ -x "$STUDIO" ] || { echo "bench-render: $STUDIO is not an executable" >&2; exit 2; }

now() { date +%s.%N; }
# Seconds of audio in WAV/FLAC/OGG files (sum), read with python's wave module for WAV.
audio_seconds() { python3 - "$@" <<'PY'
import sys, wave
total = 0.0
for path in sys.argv[1:]:
    with wave.open(path) as w:
        total += w.getnframes() / w.getframerate()
print(f"{total:.3f}")
PY
}
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print(f'{a / b:.1f}' if b > 0 else 'inf')" "$1" "$2"; }

echo "SoundFont: $SOUNDFONT"
echo "studio:    $STUDIO"
echo "$(fluidsynth --version 2>/dev/null | head -1)"
echo

# Part 1: one file, end to end, best of REPEAT.
echo "== one file: $MIDI"
best_studio=""; best_fluid=""
for ((i = 0; i < REPEAT; i++)); do
  t0=$(now)
  "$STUDIO" render --config "$WORK/config.yaml" --soundfont "$SOUNDFONT" --gain 0.2 --sample-rate 44100 --bits 16 \
    "$MIDI" -o "$WORK/studio.wav" >/dev/null
  t1=$(now)
  fluidsynth -ni -q -F "$WORK/fluidsynth.wav" -r 44100 "$SOUNDFONT" "$MIDI" >/dev/null 2>&1
  t2=$(now)
  s=$(python3 -c "print($t1 - $t0)"); f=$(python3 -c "print($t2 - $t1)")
  [ -z "$best_studio" ] || python3 -c "import sys; sys.exit(0 if $s < $best_studio else 1)" && best_studio=$s
  [ -z "$best_fluid" ] || python3 -c "import sys; sys.exit(0 if $f < $best_fluid else 1)" && best_fluid=$f
done
sa=$(audio_seconds "$WORK/studio.wav"); fa=$(audio_seconds "$WORK/fluidsynth.wav")
printf "%-11s %9s %9s %12s\n" renderer "wall s" "audio s" "x real time"
printf "%-11s %9.3f %9.2f %12s\n" studio "$best_studio" "$sa" "$(ratio "$sa" "$best_studio")"
printf "%-11s %9.3f %9.2f %12s\n" fluidsynth "$best_fluid" "$fa" "$(ratio "$fa" "$best_fluid")"
echo "studio wall time / fluidsynth wall time: $(python3 -c "print(f'{$best_studio / $best_fluid:.2f}')")"
echo "(audio lengths differ by the tail: studio stops once the release and reverb are silent, capped at 3 s;"
echo " fluidsynth renders its own fixed tail)"
echo

# Part 2: whole corpora, one WAV per tune.
for corpus in "${CORPORA[@]}"; do
  if [ -d "$corpus" ]; then
    corpus="$(cd "$corpus" && pwd)"
    mkdir -p "$WORK/in"; rm -f "$WORK/in"/*
    n=0
    for f in "$corpus"/*.mid; do
      [ -e "$f" ] || continue
      ln -s "$f" "$WORK/in/$(basename "$f")"
      n=$((n + 1))
      [ "$LIMIT" -gt 0 ] && [ "$n" -ge "$LIMIT" ] && break
    done
    echo "== corpus: $corpus ($n .mid files, one WAV each)"
    rm -rf "$WORK/s" "$WORK/f"; mkdir -p "$WORK/s" "$WORK/f"
    t0=$(now)
    "$STUDIO" render --config "$WORK/config.yaml" --soundfont "$SOUNDFONT" --gain 0.2 --sample-rate 44100 --bits 16 \
      "$WORK/in" --out-dir "$WORK/s" >/dev/null || echo "(studio exit $?: some files failed; see above)"
    t1=$(now)
    for f in "$WORK/in"/*.mid; do
      fluidsynth -ni -q -F "$WORK/f/$(basename "$f" .mid).wav" -r 44100 "$SOUNDFONT" "$f" >/dev/null 2>&1 || true
    done
    t2=$(now)
    s=$(python3 -c "print($t1 - $t0)"); f=$(python3 -c "print($t2 - $t1)")
    sa=$(audio_seconds "$WORK"/s/*.wav); fa=$(audio_seconds "$WORK"/f/*.wav)
    printf "%-22s %6s %9s %10s %12s\n" renderer files "wall s" "audio s" "x real time"
    printf "%-22s %6d %9.2f %10.1f %12s\n" "studio (1 process)" "$(ls "$WORK/s" | wc -l)" "$s" "$sa" "$(ratio "$sa" "$s")"
    printf "%-22s %6d %9.2f %10.1f %12s\n" "fluidsynth (per file)" "$(ls "$WORK/f" | wc -l)" "$f" "$fa" "$(ratio "$fa" "$f")"
    echo "studio wall time / fluidsynth wall time: $(python3 -c "print(f'{$s / $f:.2f}')")"
  elif [ -f "$corpus" ] && [[ "$corpus" == *.abc ]]; then
    abc="$corpus"
    if [ "$LIMIT" -gt 0 ]; then
      # The first LIMIT tunes (a tune runs from its X: line to the next blank line).
      abc="$WORK/corpus.abc"
      awk -v limit="$LIMIT" 'BEGIN{RS=""; ORS="\n\n"} /(^|\n)X:/{n++; print} n>=limit{exit}' "$corpus" >"$abc"
    fi
    echo "== corpus: $corpus ($([ "$LIMIT" -gt 0 ] && echo "first $LIMIT tunes" || echo "every tune"), one WAV each, through studio's ABC performer)"
    rm -rf "$WORK/s"; mkdir -p "$WORK/s"
    t0=$(now)
    if "$STUDIO" render --config "$WORK/config.yaml" --soundfont "$SOUNDFONT" --gain 0.2 --sample-rate 44100 \
      --bits 16 "$abc" --out-dir "$WORK/s" >"$WORK/abc.log" 2>&1; then status=ok; else status="exit $?"; fi
    t1=$(now)
    s=$(python3 -c "print($t1 - $t0)")
    count=$(ls "$WORK/s" | wc -l)
    if [ "$count" -eq 0 ]; then
      echo "studio rendered nothing ($status):"; tail -3 "$WORK/abc.log"; continue
    fi
    sa=$(audio_seconds "$WORK"/s/*.wav)
    printf "%-22s %6s %9s %10s %12s\n" renderer files "wall s" "audio s" "x real time"
    printf "%-22s %6d %9.2f %10.1f %12s\n" "studio (1 process)" "$count" "$s" "$sa" "$(ratio "$sa" "$s")"
    [ "$status" = ok ] || echo "(studio $status; see its messages above the table)"
    if command -v abc2midi >/dev/null; then
      # Baseline: abc2midi makes one .mid per tune (not timed), then one fluidsynth process renders each.
      rm -rf "$WORK/t" "$WORK/f"; mkdir -p "$WORK/t" "$WORK/f"
      awk -v dir="$WORK/t" 'BEGIN{RS=""; ORS="\n"} /(^|\n)X:/{n++; f=sprintf("%s/%04d.abc", dir, n); print > f; close(f)}' "$abc"
      for t in "$WORK/t"/*.abc; do abc2midi "$t" -o "${t%.abc}.mid" >/dev/null 2>&1 || true; done
      t0=$(now)
      for m in "$WORK/t"/*.mid; do
        [ -e "$m" ] || continue
        fluidsynth -ni -q -F "$WORK/f/$(basename "$m" .mid).wav" -r 44100 "$SOUNDFONT" "$m" >/dev/null 2>&1 || true
      done
      t1=$(now)
      f=$(python3 -c "print($t1 - $t0)")
      if ls "$WORK"/f/*.wav >/dev/null 2>&1; then
        fa=$(audio_seconds "$WORK"/f/*.wav)
        printf "%-22s %6d %9.2f %10.1f %12s\n" "fluidsynth (per file)" "$(ls "$WORK/f" | wc -l)" "$f" "$fa" "$(ratio "$fa" "$f")"
        echo "studio wall time / fluidsynth wall time: $(python3 -c "print(f'{$s / $f:.2f}')")"
        echo "(fluidsynth renders abc2midi's MIDI of the same tunes; the conversion is not timed. studio's time"
        echo " includes parsing and performing the ABC.)"
      fi
    fi
  else
    echo "== corpus: $corpus: not a directory or an .abc file; skipped"
  fi
  echo
done
