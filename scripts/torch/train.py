#!/usr/bin/env python3
"""Trains studio's character LSTM with PyTorch, on one or many processes and machines, and writes a studio model
directory (`model.safetensors` + `config.yaml`) that `studio generate` and `studio evaluate` load unchanged.

    # one machine, 8 GPUs (NCCL):
    torchrun --standalone --nproc_per_node 8 scripts/torch/train.py --config models/irish/train.yaml --name irish
    # two machines (run on each; --node_rank 0 and 1):
    torchrun --nnodes 2 --node_rank 0 --nproc_per_node 8 --rdzv_backend c10d --rdzv_endpoint HOST:29500 \\
        scripts/torch/train.py --config big.yaml --name session
    # CPU processes (gloo), or plain `python scripts/torch/train.py ...` for one process:
    torchrun --standalone --nproc_per_node 2 scripts/torch/train.py --config config.yaml --name test --device cpu

Reads the data, model and training sections of studio's config.yaml (studio_config.py; unknown keys are warned about
and ignored) and trains the same model (studio_model.CharLSTM) with the same recipe as `studio train`: the same
corpora, split, vocabulary and corpus weights (studio_data.py), Adam (AdamW when training.weight_decay > 0, decoupled
as studio), studio's learning-rate schedules, global gradient-norm clipping, dropout on every LSTM layer's output,
validation every training.eval_every steps on every held-out tune + "\\n\\n" from a zero state (bits/char over every
character after the first), early stopping after training.patience validations without improvement, and the best
weights (by validation bits/char) shipped in training.export_dtype.

Batching (training.batching, studio_batches.py): `windows` or `tunes` (the default). The B rows of a step are split
across the W processes (B must be divisible by W); DistributedDataParallel averages the gradients, and every process
scales its loss so the average is the mean over all unmasked positions of the global batch. What the world size
changes: only the dropout masks (drawn per process) and the order of floating-point sums, not the batches.

Writes while training: RUN_DIR/NAME/torch-checkpoint.pt every training.checkpoint_every steps and metrics.jsonl.
--resume continues the checkpoint exactly (the same batches, carried states and, with the same number of processes,
dropout masks); with another number of processes only the dropout streams differ. At the end it writes
MODELS_DIR/NAME/model.safetensors and config.yaml.
Exit status: 0 done, 1 bad corpus or config, 2 usage or I/O error.
"""

import argparse
import datetime
import json
import math
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from studio_batches import TuneBatches, WindowBatches  # noqa: E402
from studio_config import ConfigError, load_config, parse_duration  # noqa: E402
from studio_data import CorpusError, Dataset  # noqa: E402
from studio_model import CharLSTM, write_model  # noqa: E402


class Failure(Exception):
    def __init__(self, message, status):
        super().__init__(message)
        self.status = status


def learning_rate(step, t, total):
    """studio's LearningRateSchedule.rate(at: step) (0-based step)."""
    base = t["learning_rate"]
    if t["schedule"] == "step":
        return base * t["step_gamma"] ** (step // max(1, t["step_size"]))
    if t["schedule"] == "cosine":
        warmup, minimum = t["warmup_steps"], t["min_learning_rate"]
        if step < warmup:
            return base * (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return minimum + (base - minimum) * 0.5 * (1 + math.cos(math.pi * progress))
    return base


class Distributed:
    """The process group, or a single process when not started by torchrun."""

    def __init__(self, device_choice):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
        cuda = torch.cuda.is_available() if device_choice == "auto" else device_choice == "cuda"
        if cuda and not torch.cuda.is_available():
            raise Failure("--device cuda, but PyTorch sees no GPU", 2)
        if cuda:
            torch.cuda.set_device(local)
            self.device = torch.device("cuda", local)
        else:
            self.device = torch.device("cpu")
        self.backend = "nccl" if cuda else "gloo"
        if self.world > 1:
            dist.init_process_group(self.backend, timeout=datetime.timedelta(minutes=30))

    @property
    def main(self):
        return self.rank == 0

    def all_sum(self, values):
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.world > 1:
            dist.all_reduce(t)
        return t.tolist()

    def any(self, flag):
        return self.all_sum([1.0 if flag else 0.0])[0] > 0

    def gather_rows(self, x):
        """[L, B/W, H] per process → [L, B, H] on every process."""
        if self.world == 1:
            return x
        parts = [torch.empty_like(x) for _ in range(self.world)]
        dist.all_gather(parts, x.contiguous())
        return torch.cat(parts, dim=1)

    def gather_objects(self, obj):
        """[obj of process 0, obj of process 1, ...] on every process."""
        if self.world == 1:
            return [obj]
        out = [None] * self.world
        dist.all_gather_object(out, obj)
        return out

    def close(self):
        if self.world > 1:
            dist.destroy_process_group()


def window_loss(model, x, y, state, keep):
    """The summed cross-entropy of one window over its unmasked targets (y ≥ 0) and the state to carry on, detached
    (truncated BPTT). `state`: (h, c) of the previous window, each [L, B, H], or None (zeros); `keep`: [B] bools,
    False where a row starts a new sequence, whose state is zeroed."""
    if state is not None:
        k = keep.to(state[0].dtype).view(1, -1, 1)
        state = (state[0] * k, state[1] * k)
    logits, (h, c) = model(x, state)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), y.reshape(-1), ignore_index=-1,
                           reduction="sum")
    return loss, (h.detach(), c.detach())


def validate(model, sequences, dist_, batch=32):
    """(bits/char, nats/char, characters) of every sequence from a zero state, every token after the first scored;
    the sequences are shared out across processes and the sums all-reduced."""
    mine = sorted(sequences[dist_.rank::dist_.world], key=len)
    total, count = 0.0, 0
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for i in range(0, len(mine), batch):
            group = mine[i:i + batch]
            width = max(len(s) for s in group) - 1
            x = torch.zeros((len(group), width), dtype=torch.long)
            y = torch.full((len(group), width), -1, dtype=torch.long)
            for b, s in enumerate(group):
                x[b, :len(s) - 1] = torch.tensor(s[:-1])
                y[b, :len(s) - 1] = torch.tensor(s[1:])
            logits, _ = model(x.to(dist_.device))
            total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), y.to(dist_.device).reshape(-1),
                                     ignore_index=-1, reduction="sum").item()
            count += int((y >= 0).sum())
    model.train(was_training)
    total, count = dist_.all_sum([total, count])
    nats = total / max(1.0, count)
    return nats / math.log(2.0), nats, int(count)


def shipped_config(name, args, config, corpora, weights, best_step, best_bpc, fingerprints, dist_):
    """models/NAME/config.yaml: the settings that reproduce the model, in the form `studio train` writes."""
    d, m, t = config["data"], config["model"], config["training"]

    def quoted(s):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    where = "%d process%s, %s on %s" % (dist_.world, "es" if dist_.world > 1 else "", dist_.backend,
                                        dist_.device.type)
    lines = [
        "# Model %s, trained by scripts/torch/train.py (PyTorch %s, %s). Reproduce: torchrun --nproc_per_node N "
        "scripts/torch/train.py --config this-file --name %s" % (name, torch.__version__, where, name),
        "# Best validation: %s bits/char at step %d; corpus fingerprints: %s"
        % ("%.4f" % best_bpc if best_bpc is not None else "n/a", best_step, ", ".join(fingerprints)),
        "data:",
        "  corpora: [%s]" % ", ".join(quoted(c) for c in corpora),
        "  weights: [%s]" % ", ".join(repr(float(w)) for w in weights),
        "  validation_fraction: %r" % d["validation_fraction"],
        "  split: %s" % d["split"],
        "  seed: %d" % d["seed"],
        "model:",
        "  embedding: %d" % m["embedding"],
        "  hidden: %d" % m["hidden"],
        "  layers: %d" % m["layers"],
        "  dropout: %r" % m["dropout"],
        "training:",
        "  batch_size: %d" % t["batch_size"],
        "  sequence_length: %d" % t["sequence_length"],
        "  steps: %d" % best_step,
    ]
    for key in ("learning_rate", "schedule", "warmup_steps", "min_learning_rate", "step_size", "step_gamma",
                "weight_decay", "gradient_clip", "carry_state", "batching", "eval_every", "patience", "seed", "export_dtype"):
        value = t[key]
        text = ("true" if value else "false") if isinstance(value, bool) else (
            repr(value) if isinstance(value, float) else str(value))
        lines.append("  %s: %s" % (key, text))
    return "\n".join(lines) + "\n"


def parse_arguments(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", help="studio config.yaml (default: ./config.yaml when it exists, else the defaults)")
    p.add_argument("--name", help="run and model name: RUN_DIR/NAME, MODELS_DIR/NAME (default: the corpus names)")
    p.add_argument("--corpus", action="append", default=[], help="ABC file or directory (repeat); overrides "
                   "data.corpora")
    p.add_argument("--weights", help="mixing weight per corpus, comma-separated; overrides data.weights")
    p.add_argument("--steps", type=int, help="optimizer steps (alone: no time budget)")
    p.add_argument("--time-budget", help="wall-clock budget such as 90s, 10m, 2h (alone: no step limit)")
    p.add_argument("--batching", choices=("windows", "tunes"), help="overrides training.batching")
    p.add_argument("--seed", type=int, help="overrides training.seed")
    p.add_argument("--models-dir", help="overrides training.models_dir")
    p.add_argument("--run-dir", help="overrides training.run_dir")
    p.add_argument("--resume", action="store_true", help="continue RUN_DIR/NAME/torch-checkpoint.pt")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                   help="auto: a GPU per process when PyTorch sees one (NCCL), else the CPU (gloo)")
    p.add_argument("--threads", type=int, help="CPU threads per process (default training.threads)")
    return p.parse_args(argv)


def settings(args, warn):
    path = args.config or ("config.yaml" if os.path.exists("config.yaml") else None)
    config = load_config(path, warn=warn)
    d, t = config["data"], config["training"]
    corpora = args.corpus or d["corpora"]
    if not corpora:
        raise Failure("no corpus given; pass --corpus PATH or set data.corpora", 2)
    weights = d["weights"]
    if args.weights:
        try:
            weights = [float(w) for w in args.weights.split(",")]
        except ValueError:
            raise Failure("--weights %s: expected numbers separated by commas, e.g. 1,2" % args.weights, 2) from None
    if len(weights) == 1 and len(corpora) > 1:
        weights = weights * len(corpora)
    if len(weights) != len(corpora):
        raise Failure("%d weights for %d corpora; give one weight per corpus" % (len(weights), len(corpora)), 2)
    if args.batching:
        t["batching"] = args.batching
    if args.seed is not None:
        t["seed"] = args.seed
    budget = args.time_budget or t["time_budget"]
    max_steps = t["steps"]
    if args.steps is not None and args.time_budget is None:
        max_steps, budget = args.steps, None
    elif args.steps is None and args.time_budget is not None:
        max_steps = None
    elif args.steps is not None:
        max_steps = args.steps
    try:
        budget = parse_duration(str(budget)) if budget else None
    except ConfigError as error:
        raise Failure(str(error), 2) from None
    name = args.name or "-".join(os.path.splitext(os.path.basename(c.rstrip("/")))[0] for c in corpora)
    if not name or "/" in name or name.startswith("."):
        raise Failure("--name must be a plain name (no '/', not starting with '.')", 2)
    return config, corpora, weights, max_steps, budget, name


def train(args):
    dist_ = Distributed(args.device)
    log = (lambda *a: print(*a, file=sys.stderr, flush=True)) if dist_.main else (lambda *a: None)
    if args.config and not os.path.isfile(args.config):
        raise Failure("%s: cannot read the config (no such file)" % args.config, 2)
    try:
        config, corpora, weights, max_steps, budget, name = settings(args, log)
    except ConfigError as error:
        raise Failure(str(error), 1) from None
    d, m, t = config["data"], config["model"], config["training"]
    torch.set_num_threads(args.threads or t["threads"])
    B, T = t["batch_size"], t["sequence_length"]
    if B % dist_.world:
        raise Failure("training.batch_size %d is not divisible by the %d processes; use a multiple" % (B, dist_.world),
                      2)
    rows = slice(dist_.rank * B // dist_.world, (dist_.rank + 1) * B // dist_.world)

    try:
        data = Dataset(corpora, weights, d["validation_fraction"], d["split"], d["seed"])
    except (CorpusError, ValueError) as error:
        raise Failure(str(error), 1) from None
    if t["batching"] == "tunes":
        batches = TuneBatches(data.training_tunes(), B, T, t["seed"])
    else:
        batches = WindowBatches(data.stream(), B, T, t["seed"], carry=t["carry_state"])
    validation = data.validation_sequences()

    torch.manual_seed(t["seed"])  # the same initial weights in every process (DDP also broadcasts rank 0's)
    model = CharLSTM(len(data.vocabulary), m["embedding"], m["hidden"], m["layers"], m["dropout"]).to(dist_.device)
    torch.manual_seed(t["seed"] * 1_000_003 + dist_.rank + 1)  # dropout masks: one stream per process
    ddp = torch.nn.parallel.DistributedDataParallel(
        model, device_ids=[dist_.device.index] if dist_.device.type == "cuda" else None) if dist_.world > 1 else model
    optimizer = torch.optim.AdamW(model.parameters(), lr=t["learning_rate"], betas=(0.9, 0.999), eps=1e-8,
                                  weight_decay=t["weight_decay"])
    schedule_total = max_steps if max_steps is not None else t["steps"]
    run_dir = os.path.join(args.run_dir or t["run_dir"], name)
    model_dir = os.path.join(args.models_dir or t["models_dir"], name)
    checkpoint_path = os.path.join(run_dir, "torch-checkpoint.pt")
    L, H, b_local = m["layers"], m["hidden"], B // dist_.world
    h = torch.zeros(L, b_local, H, device=dist_.device)
    c = torch.zeros_like(h)
    step, best, best_step, best_state, stale, elapsed_before = 0, None, 0, None, 0, 0.0

    if dist_.main:
        os.makedirs(run_dir, exist_ok=True)
    if args.resume:
        if not os.path.exists(checkpoint_path):
            raise Failure("nothing to resume: %s does not exist; start without --resume" % checkpoint_path, 2)
        saved = torch.load(checkpoint_path, map_location="cpu", weights_only=False)
        if saved["vocabulary"] != data.vocabulary or saved["batch_size"] != B:
            raise Failure("%s was trained on other data or with another batch size" % checkpoint_path, 2)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        batches.restore(saved["batches"])
        h = saved["h"][:, rows].to(dist_.device)
        c = saved["c"][:, rows].to(dist_.device)
        step, best, best_step, stale = saved["step"], saved["best"], saved["best_step"], saved["stale"]
        best_state, elapsed_before = saved["best_state"], saved["elapsed"]
        if len(saved["rng"]) == dist_.world:  # the same dropout masks as an uninterrupted run
            if dist_.device.type == "cuda":
                torch.cuda.set_rng_state(saved["rng"][dist_.rank], dist_.device)
            else:
                torch.set_rng_state(saved["rng"][dist_.rank])
    elif os.path.exists(checkpoint_path):
        raise Failure("%s already holds a run; pass --resume to continue it or --name to start another" % run_dir, 2)

    params = sum(p.numel() for p in model.parameters())
    log("train %s: %d training tunes (%d characters), %d validation tunes, vocabulary %d; model E=%d H=%d L=%d "
        "(%d parameters); B=%d T=%d batching %s; %d process%s (%s, %s)%s"
        % (name, len(data.train_copies), sum(len(x) for x in data.train_copies), len(validation),
           len(data.vocabulary), m["embedding"], H, L, params, B, T, t["batching"], dist_.world,
           "es" if dist_.world > 1 else "", dist_.backend, dist_.device.type,
           "; resuming at step %d" % step if args.resume else ""))

    metrics = open(os.path.join(run_dir, "metrics.jsonl"), "a") if dist_.main else None

    def record(entry):
        if metrics:
            metrics.write(json.dumps(entry) + "\n")
            metrics.flush()

    def save_checkpoint():
        hs, cs = dist_.gather_rows(h), dist_.gather_rows(c)
        rng = dist_.gather_objects(torch.cuda.get_rng_state(dist_.device) if dist_.device.type == "cuda"
                                   else torch.get_rng_state())
        if dist_.main:
            tmp = checkpoint_path + ".tmp"
            torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "batches": batches.state(),
                        "h": hs.cpu(), "c": cs.cpu(), "step": step, "best": best, "best_step": best_step,
                        "stale": stale, "best_state": best_state, "elapsed": elapsed_before + time.time() - start,
                        "vocabulary": data.vocabulary, "batch_size": B, "rng": rng}, tmp)
            os.replace(tmp, checkpoint_path)

    def run_validation():
        nonlocal best, best_step, best_state, stale
        bpc, nats, chars = validate(model, validation, dist_)
        improved = best is None or bpc < best
        if improved:
            best, best_step, stale = bpc, step, 0
            if dist_.main:  # only process 0 writes checkpoints and the model
                best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
        log("step %d: validation %.4f bits/char%s" % (step, bpc, " (best)" if improved else ""))
        record({"step": step, "validation_bpc": bpc, "validation_loss": nats, "characters": chars})
        return t["patience"] > 0 and stale >= t["patience"]

    start = time.time()
    reason = "step limit"
    tokens_done, window_start, last_eval = 0, time.time(), None
    ddp.train()
    while True:
        if max_steps is not None and step >= max_steps:
            break
        if budget is not None and dist_.any(elapsed_before + time.time() - start >= budget):
            reason = "time budget"
            break
        inputs, targets, reset = batches.next()
        counted = int((targets >= 0).sum())  # global: every process knows the whole batch
        x = torch.from_numpy(inputs[rows]).to(dist_.device)
        y = torch.from_numpy(targets[rows]).to(dist_.device)
        keep = torch.from_numpy(~reset[rows]).to(dist_.device)
        carry = t["batching"] == "tunes" or t["carry_state"]
        lr = learning_rate(step, t, schedule_total)
        for group in optimizer.param_groups:
            group["lr"] = lr
        loss_sum, (h, c) = window_loss(ddp, x, y, (h, c) if carry else None, keep)
        optimizer.zero_grad(set_to_none=True)
        (loss_sum * (dist_.world / max(1, counted))).backward()  # DDP averages: Σ over processes / counted
        if t["gradient_clip"] > 0:
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), t["gradient_clip"])
        else:
            norm = torch.sqrt(sum((p.grad.float() ** 2).sum() for p in model.parameters() if p.grad is not None))
        optimizer.step()
        step += 1
        tokens_done += counted
        if step % 10 == 0 or step == max_steps:
            (total,) = dist_.all_sum([loss_sum.item()])
            now = time.time()
            rate = tokens_done / max(1e-9, now - window_start)
            tokens_done, window_start = 0, now
            log("step %d: loss %.3f bits/char, lr %.2e, gradient norm %.3f, %.0f tokens/s"
                % (step, total / max(1, counted) / math.log(2.0), lr, float(norm), rate))
            record({"step": step, "train_bpc": total / max(1, counted) / math.log(2.0), "learning_rate": lr,
                    "gradient_norm": float(norm), "tokens_per_second": rate})
        if t["eval_every"] > 0 and step % t["eval_every"] == 0:
            last_eval = step
            if run_validation():
                reason = "early stopping"
                break
        if t["checkpoint_every"] > 0 and step % t["checkpoint_every"] == 0:
            save_checkpoint()
    if last_eval != step:
        run_validation()
    save_checkpoint()

    if dist_.main:
        if best_state is not None:
            model.load_state_dict(best_state)
        os.makedirs(model_dir, exist_ok=True)
        model_path = os.path.join(model_dir, "model.safetensors")
        write_model(model_path, model, data.vocabulary, dtype=t["export_dtype"], dropout=m["dropout"],
                    step=best_step, validation_bpc=best, fingerprints=data.fingerprints,
                    extra={"created_by": "scripts/torch/train.py (torch %s, %d processes)"
                           % (torch.__version__, dist_.world)})
        text = shipped_config(name, args, config, corpora, weights, best_step, best, data.fingerprints, dist_)
        tmp = os.path.join(model_dir, "config.yaml.tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, os.path.join(model_dir, "config.yaml"))
        print("%s: %d steps (stopped by %s) in %.0f s; best validation %s at step %d\nmodel: %s (%s)"
              % (name, step, reason, elapsed_before + time.time() - start,
                 "%.4f bits/char" % best if best is not None else "not measured", best_step, model_path,
                 t["export_dtype"]), flush=True)
    if metrics:
        metrics.close()
    dist_.close()


def main(argv=None):
    args = parse_arguments(sys.argv[1:] if argv is None else argv)
    if args.steps is not None and args.steps < 1:
        print("error: --steps must be at least 1", file=sys.stderr)
        return 2
    try:
        train(args)
    except Failure as failure:
        message = str(failure)  # "file:line:col: error: what" as it is, else "error: what"
        print(message if ": error: " in message else "error: " + message, file=sys.stderr)
        return failure.status
    except OSError as error:
        print("error: %s" % error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
