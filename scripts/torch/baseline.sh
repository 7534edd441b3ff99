#!/usr/bin/env bash
# PyTorch baseline for `studio bench lstm`: runs ../shared/tools/torch_lstm_bench.py for the three presets with the
# same shapes and corpus, training with oneDNN on (PyTorch's fastest training mode) and sampling with it off (its
# fastest sampling mode), and prints each run's summary line.
#
#   scripts/torch/baseline.sh [preset ...]      presets: mit folkrnn small (default: all three)
#
# Environment: TORCH_PYTHON (default /tmp/torchenv/bin/python), CORPUS (default ../shared/corpora/irish.abc),
# STEPS (timed training steps, default 60), THREADS (default 2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${TORCH_PYTHON:-/tmp/torchenv/bin/python}
corpus=${CORPUS:-$root/../shared/corpora/irish.abc}
bench=$root/../shared/tools/torch_lstm_bench.py
steps=${STEPS:-60}
threads=${THREADS:-2}
presets=("$@")
[ ${#presets[@]} -gt 0 ] || presets=(mit folkrnn small)
for preset in "${presets[@]}"; do
  case $preset in
    mit) shape=(--embed 256 --hidden 1024 --layers 1 --batch 8 --seq 100) ;;
    folkrnn) shape=(--embed 128 --hidden 512 --layers 3 --batch 64 --seq 50) ;;
    small) shape=(--embed 64 --hidden 256 --layers 2 --batch 32 --seq 100) ;;
    *) echo "unknown preset $preset (mit, folkrnn, small)" >&2; exit 2 ;;
  esac
  for mode in on off; do
    # on: training figure (sampling skipped); off: sampling figure (training kept short).
    if [ $mode = on ]; then extra=(--steps "$steps" --sample-tokens 0); else extra=(--steps 6 --sample-tokens 1000); fi
    PYTHONPATH=$here "$python" "$bench" "$corpus" --name "$preset" "${shape[@]}" --threads "$threads" --no-val \
      --mkldnn $mode "${extra[@]}" 2>/dev/null | grep '"event": "summary"' \
      | "$python" -c 'import json,sys; s=json.loads(sys.stdin.read()); print(json.dumps({k: s.get(k) for k in
        ("name","mkldnn","params","train_tokens_per_s","sample_tokens_per_s","peak_rss_mib","train_contention",
         "sample_contention")}))'
  done
done
