#!/usr/bin/env bash
# Long fuzz run of the ABC parser and validator (the test suite's MutationTests run 3000 cases; this runs many more
# in a release build). Every case is derived from (seed, case number): a crash or hang prints the case number, and
#   swift run -c release --package-path Benchmarks ParserBenchmarks fuzz --seed S --replay N --out case.abc
# writes that input for debugging.
#
# Usage: scripts/fuzz-parser.sh [ITERATIONS (default 200000)] [SEED (default: time)] [CORPORA_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
iterations="${1:-200000}"
seed="${2:-$(date +%s)}"
corpora="${3:-$root/../shared/corpora}"
scratch="${SCRATCH_PATH:-/tmp/build-parser-fuzz}"
swift build -c release --package-path "$root/Benchmarks" --scratch-path "$scratch" --product ParserBenchmarks
exec "$scratch/release/ParserBenchmarks" fuzz --iterations "$iterations" --seed "$seed" --corpora "$corpora"
