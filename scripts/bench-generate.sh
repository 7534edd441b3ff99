#!/usr/bin/env bash
# Generation benchmark: tunes per second through `studio generate` end to end (model load, batched sampling,
# validation and retries, ABC files, and with --midi / --wav the MIDI files and audio). Never part of `swift test`.
#
#   scripts/bench-generate.sh [--model NAME|PATH] [--count N] [--batch B] [--threads T] [--seed S] [--repeat R]
#                             [--midi] [--wav] [--temperature T]
#
#   --model        model name or path (default: irish, i.e. models/irish/model.safetensors)
#   --count        tunes per run (default 32)
#   --batch        sequences sampled in parallel (default: studio's, 8)
#   --threads      worker threads of the model (default: studio's, 1)
#   --seed         first seed; run r uses seed + r (default 1)
#   --repeat       runs; each is timed, the median is reported (default 3)
#   --midi, --wav  also write .mid / render .wav per tune (default: ABC only, then again with --midi)
#   --temperature  sampling temperature (default: config's, 0.8)
#
# Environment: STUDIO=path/to/studio uses that binary instead of building `swift build -c release`.
#
# Prints one JSON line per configuration: tunes, median seconds, tunes_per_s, characters sampled per second, the
# acceptance rate and the machine's load average (the machine is shared; compare runs made under similar load).
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL="irish"
COUNT=32
BATCH=""
SEED=1
REPEAT=3
EXTRA=()
MODES=()
TEMPERATURE=""
while (($#)); do
  case "$1" in
    --model) MODEL="$2"; shift 2 ;;
    --count) COUNT="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --threads) EXTRA+=(--threads "$2"); shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --midi) MODES+=("--midi"); shift ;;
    --wav) MODES+=("--wav"); shift ;;
    --temperature) TEMPERATURE="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-generate: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$BATCH" ] && EXTRA+=(--batch "$BATCH")
[ -n "$TEMPERATURE" ] && EXTRA+=(--temperature "$TEMPERATURE")
command -v python3 >/dev/null || { echo "bench-generate: python3 is needed to read the JSON records" >&2; exit 2; }

if [ -z "${STUDIO:-}" ]; then
  echo "bench-generate: building studio (release)" >&2
  swift build -c release --product studio 2>&1 | grep -E "error" >&2 || true
  STUDIO="$(swift build -c release --show-bin-path)/studio"
fi
[ -x "$STUDIO" ] || { echo "bench-generate: $STUDIO is not an executable" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/bench-generate.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
: >"$WORK/config.yaml"  # built-in defaults, whatever ./config.yaml says

# Resolve the model here so the runs (which use $WORK as the current directory) find it.
if [ -e "$MODEL" ]; then
  MODEL_PATH="$(cd "$(dirname "$MODEL")" && pwd)/$(basename "$MODEL")"
elif [ -f "models/$MODEL/model.safetensors" ]; then
  MODEL_PATH="$PWD/models/$MODEL/model.safetensors"
else
  echo "bench-generate: model '$MODEL' not found (models/$MODEL/model.safetensors); train one or pass --model PATH" >&2
  exit 2
fi

if ((${#MODES[@]} == 0)); then CONFIGS=("" "--midi"); else CONFIGS=("${MODES[*]}"); fi
for config in "${CONFIGS[@]}"; do
  times=()
  for ((r = 0; r < REPEAT; r++)); do
    out="$WORK/out-$r"
    start=$(date +%s.%N)
    status=0
    # shellcheck disable=SC2086
    (cd "$WORK" && "$STUDIO" generate --model "$MODEL_PATH" --count "$COUNT" --seed $((SEED + r)) --format json \
      --out-dir "$out" --force $config ${EXTRA[@]+"${EXTRA[@]}"} >"$WORK/records-$r.jsonl" 2>"$WORK/stderr-$r.txt") \
      || status=$?
    # Exit status 1 means some tunes were given up on (counted below); anything else is a failure.
    if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
      cat "$WORK/stderr-$r.txt" >&2
      echo "bench-generate: studio generate failed (exit status $status)" >&2
      exit 2
    fi
    end=$(date +%s.%N)
    times+=("$(python3 -c "print($end - $start)")")
    rm -rf "$out"
  done
  python3 - "$WORK" "$COUNT" "$REPEAT" "$config" "$(cut -d' ' -f1-3 /proc/loadavg)" "${times[@]}" <<'PY'
import json, re, statistics, sys
work, count, repeat, config, load = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
times = [float(t) for t in sys.argv[6:]]
chars = attempts = tunes = 0
for r in range(repeat):
    for line in open(f"{work}/records-{r}.jsonl"):
        rec = json.loads(line)
        tunes += 1
        chars += rec["chars"]
        attempts += rec["attempts"]
median = statistics.median(times)
print(json.dumps({
    "bench": "generate", "outputs": "abc" + config.replace("--", "+").replace(" ", ""), "tunes": count,
    "written": round(tunes / repeat, 1),
    "runs": repeat, "median_seconds": round(median, 3), "tunes_per_s": round(count / median, 2),
    "tunes_written_per_s": round(tunes / repeat / median, 2),
    "kept_chars_per_s": round(chars / repeat / median, 1),
    "acceptance": round(tunes / attempts, 3) if attempts else None,
    "loadavg": load}))
PY
done
