#!/usr/bin/env bash
# Mutation fuzzing of every reader of the studio binary, for long runs outside the test suite (issue 13).
#
# Readers and the commands that drive them:
#   abc          studio validate CASE.abc; studio convert CASE.abc --out-dir OUT
#   midi         studio info CASE.mid; studio import CASE.mid -o OUT.abc
#   soundfont    studio render SEED.mid -o OUT.wav --soundfont CASE.sf2 --max-seconds 60
#   safetensors  studio generate --model CASE.safetensors --count 1 --max-chars 200 --out-dir OUT
#   yaml         studio validate SEED.abc --config CASE.yaml
# Each case is a seed file mutated (bit flips, byte runs, inserted/deleted/duplicated ranges, truncation, splices,
# "interesting" integers), derived from (seed, case number) so it can be replayed. Every run has a time limit
# (timeout) and a memory limit (ulimit -v). A failure is an exit status other than 0, 1 or 2 (a crash, a trap, an
# out-of-memory abort), a timeout, or a temporary file left behind; the case is kept in OUT/failures/.
#
# Usage: scripts/fuzz-cli.sh [CASES per reader (default 200)] [SEED (default: time)] [READERS (default: all),
#        comma-separated]
# Environment: STUDIO (binary; default .build/release/studio, else .build/debug/studio), FUZZ_TIMEOUT (seconds
# per run, default 20), FUZZ_MEMORY_MB (default 2048), FUZZ_OUT (default /tmp/studio-fuzz-SEED).
# Replay one case: FUZZ_REPLAY=N scripts/fuzz-cli.sh 1 SEED READER (writes the case and runs it once).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cases="${1:-200}"
seed="${2:-$(date +%s)}"
readers="${3:-abc,midi,soundfont,safetensors,yaml}"
studio="${STUDIO:-}"
if [[ -z "$studio" ]]; then
  if [[ -x "$root/.build/release/studio" ]]; then studio="$root/.build/release/studio"; else studio="$root/.build/debug/studio"; fi
fi
[[ -x "$studio" ]] || { echo "error: no studio binary (swift build -c release, or set STUDIO)" >&2; exit 2; }
out="${FUZZ_OUT:-/tmp/studio-fuzz-$seed}"
mkdir -p "$out"
exec python3 - "$studio" "$cases" "$seed" "$readers" "$out" "${FUZZ_TIMEOUT:-20}" "${FUZZ_MEMORY_MB:-2048}" \
  "${FUZZ_REPLAY:-}" "$root" <<'PYTHON'
import os, random, shutil, struct, subprocess, sys, time

studio, cases, seed, readers, out, timeout, memory_mb, replay, root = sys.argv[1:10]
cases, seed, timeout, memory_mb = int(cases), int(seed), float(timeout), int(memory_mb)
readers = [r for r in readers.split(",") if r]
work = os.path.join(out, "work")
seeds_dir = os.path.join(out, "seeds")
failures_dir = os.path.join(out, "failures")
for d in (work, seeds_dir, failures_dir):
    os.makedirs(d, exist_ok=True)
open(os.path.join(out, "config.yaml"), "w").close()   # built-in defaults for every run
empty_config = os.path.join(out, "config.yaml")

def limited(args, cwd):
    """Runs studio with the time and memory limits; (status, seconds, stderr tail). Status 124 = timeout."""
    def set_limits():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    start = time.monotonic()
    env = dict(os.environ, STUDIO_SOUNDFONT="", OPENBLAS_NUM_THREADS="1")
    try:
        p = subprocess.run([studio] + args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=timeout, preexec_fn=set_limits, env=env)
        status = p.returncode if p.returncode >= 0 else 128 - p.returncode
        return status, time.monotonic() - start, p.stderr[-400:].decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return 124, time.monotonic() - start, "timeout"

# MARK: seeds -----------------------------------------------------------------------------------------------------

ABC_SEED = b"""X:1
T:Seed Reel
M:4/4
L:1/8
Q:1/4=120
K:D
|:"D"DFAd fdAF|"G"GBdg "A"fedc|[1 d2f2 a2(3gfe:|[2 d2 {e}d2 D4|]
w:la la la
X:2
T:Seed Jig
M:6/8
K:Ador
P:AB
V:1
|:A>BA c2e|dBG ~G3:|
"""

def build_seeds():
    paths = {}
    abc = os.path.join(seeds_dir, "seed.abc")
    open(abc, "wb").write(ABC_SEED)
    paths["abc"] = abc
    mid = os.path.join(seeds_dir, "seed.mid")
    status, _, err = limited(["convert", abc, "--index", "1", "-o", mid, "--config", empty_config], seeds_dir)
    if status != 0:
        sys.exit("error: cannot make the MIDI seed: " + err)
    paths["midi"] = mid
    yaml_seed = os.path.join(root, "config.yaml")
    paths["yaml"] = yaml_seed if os.path.exists(yaml_seed) else None
    for font in ("/usr/share/sounds/sf2/TimGM6mb.sf2", "/usr/share/sounds/sf2/default-GM.sf2"):
        if os.path.exists(font):
            paths["soundfont"] = font
            break
    # A tiny model trained for two steps (the safetensors seed).
    model_dir = os.path.join(seeds_dir, "model")
    os.makedirs(model_dir, exist_ok=True)
    cfg = os.path.join(model_dir, "config.yaml")
    open(cfg, "w").write("model:\n  embedding: 4\n  hidden: 8\n  layers: 1\ntraining:\n  batch_size: 2\n"
                         "  sequence_length: 8\n  threads: 1\n  precision: fp32\n  export_dtype: f32\n"
                         "tracking:\n  tensorboard: false\n  svg: false\ndata:\n  split: random\n"
                         "  validation_fraction: 0.5\n")
    corpus = os.path.join(model_dir, "c.abc")
    open(corpus, "wb").write(ABC_SEED + b"\n" + ABC_SEED.replace(b"X:1", b"X:3").replace(b"X:2", b"X:4"))
    status, _, err = limited(["train", "--corpus", corpus, "--name", "seed", "--steps", "2", "--config", cfg], model_dir)
    model = os.path.join(model_dir, "models", "seed", "model.safetensors")
    paths["safetensors"] = model if status == 0 and os.path.exists(model) else None
    return paths

# MARK: mutation ----------------------------------------------------------------------------------------------------

INTERESTING = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]
TOKENS = [b"X:", b"K:", b"M:", b"L:", b"Q:1/4=1", b"A99999999", b"[", b"]", b"|:", b":|", b"(3", b"{", b"}",
          b"%%MIDI program 200", b"\n", b"\x00", b"\xff\xfe", b"MTrk", b"\xff\x51\x03\x00\x00\x01", b"LIST", b"shdr"]

def mutate(data, rng):
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(9)
        n = len(b)
        if op == 0 and n:                                   # bit flips
            i = rng.randrange(n); b[i] ^= 1 << rng.randrange(8)
        elif op == 1 and n:                                 # random bytes
            i = rng.randrange(n)
            for k in range(rng.randint(1, 16)):
                if i + k < len(b): b[i + k] = rng.randrange(256)
        elif op == 2:                                       # insert a token
            i = rng.randrange(n + 1); b[i:i] = rng.choice(TOKENS)
        elif op == 3 and n:                                 # delete a range
            i = rng.randrange(n); del b[i:i + rng.randint(1, 64)]
        elif op == 4 and n:                                 # duplicate a range
            i = rng.randrange(n); j = min(n, i + rng.randint(1, 256)); b[i:i] = b[i:j] * rng.randint(1, 8)
        elif op == 5 and n:                                 # truncate
            del b[rng.randrange(n):]
        elif op == 6 and n >= 4:                            # an interesting integer, both byte orders
            i = rng.randrange(n - 3); v = rng.choice(INTERESTING) & 0xFFFFFFFF
            b[i:i + 4] = struct.pack(rng.choice(["<I", ">I"]), v)
        elif op == 7 and n >= 2:                            # swap two ranges
            i, j = sorted(rng.sample(range(n), 2)); k = rng.randint(1, 32)
            b[i:i + k], b[j:j + k] = b[j:j + k], b[i:i + k]
        elif op == 8 and n:                                 # a long run of one byte (huge numbers, long lines)
            i = rng.randrange(n); b[i:i] = bytes([rng.choice(b"9A[|(\x00")]) * rng.randint(100, 20000)
    return bytes(b)

def mutate_binary_sparse(data, rng):
    """Large binaries (SoundFont, model): a few targeted edits, mostly in the header and chunk tables."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        region = rng.choice([min(len(b), 4096), len(b)])
        i = rng.randrange(max(1, region - 4))
        op = rng.randrange(4)
        if op == 0: b[i] ^= 1 << rng.randrange(8)
        elif op == 1: b[i:i + 4] = struct.pack("<I", rng.choice(INTERESTING) & 0xFFFFFFFF)
        elif op == 2: del b[rng.randrange(len(b)):]
        else: b[i:i + 8] = bytes(rng.randrange(256) for _ in range(8))
    return bytes(b)

# MARK: running -----------------------------------------------------------------------------------------------------

def commands(reader, case, paths, outdir):
    if reader == "abc":
        return [["validate", case], ["convert", case, "--out-dir", outdir]]
    if reader == "midi":
        return [["info", case], ["import", case, "-o", os.path.join(outdir, "i.abc")]]
    if reader == "soundfont":
        return [["render", paths["midi"], "-o", os.path.join(outdir, "r.wav"), "--soundfont", case, "--max-seconds", "60"]]
    if reader == "safetensors":
        return [["generate", "--model", case, "--count", "1", "--max-chars", "200", "--max-attempts", "1",
                 "--seed", "1", "--out-dir", outdir]]
    if reader == "yaml":
        return [["validate", paths["abc"], "--config", case]]

def leftovers(directory):
    found = []
    for base, _, names in os.walk(directory):
        found += [os.path.join(base, n) for n in names if n.startswith(".") and n.endswith("tmp")]
    return found

paths = build_seeds()
extension = {"abc": ".abc", "midi": ".mid", "soundfont": ".sf2", "safetensors": ".safetensors", "yaml": ".yaml"}
total = {"runs": 0, "failures": 0}
print(f"fuzzing {cases} cases per reader ({', '.join(readers)}), seed {seed}, limits {timeout:g} s and {memory_mb} MB, "
      f"binary {studio}; output in {out}", flush=True)
for reader in readers:
    source = paths.get(reader)
    if not source:
        print(f"{reader}: skipped (no seed file: " +
              {"soundfont": "no SoundFont in /usr/share/sounds/sf2", "safetensors": "the seed model could not be trained",
               "yaml": "no config.yaml in the checkout"}.get(reader, "missing") + ")", flush=True)
        continue
    data = open(source, "rb").read()
    runs = failures = slowest = 0
    started = time.monotonic()
    numbers = [int(replay)] if replay else range(cases)
    for number in numbers:
        rng = random.Random(f"{seed}-{reader}-{number}")
        mutated = (mutate_binary_sparse if len(data) > 1 << 16 else mutate)(data, rng)
        case_dir = os.path.join(work, reader)
        shutil.rmtree(case_dir, ignore_errors=True)
        os.makedirs(case_dir)
        case = os.path.join(case_dir, "case" + extension[reader])
        open(case, "wb").write(mutated)
        outdir = os.path.join(case_dir, "out")
        for args in commands(reader, case, paths, outdir):
            cfg = [] if "--config" in args else ["--config", empty_config]
            status, seconds, err = limited(args + cfg, case_dir)
            runs += 1
            slowest = max(slowest, seconds)
            problem = None
            if status not in (0, 1, 2):
                problem = "timeout" if status == 124 else f"exit status {status}"
            elif leftovers(case_dir):
                problem = "temporary files left: " + ", ".join(leftovers(case_dir))
            if problem:
                failures += 1
                kept = os.path.join(failures_dir, f"{reader}-{seed}-{number}{extension[reader]}")
                shutil.copyfile(case, kept)
                print(f"FAIL {reader} case {number}: studio {' '.join(args[:1])}: {problem}; kept {kept}\n  {err.strip()}",
                      flush=True)
        if replay:
            print(f"{reader} case {number}: written to {case}")
    total["runs"] += runs
    total["failures"] += failures
    print(f"{reader}: {runs} runs of {len(numbers)} cases in {time.monotonic() - started:.0f} s, {failures} failures, "
          f"slowest run {slowest:.1f} s", flush=True)
print(f"done: {total['runs']} runs, {total['failures']} failures (seed {seed})")
sys.exit(1 if total["failures"] else 0)
PYTHON
