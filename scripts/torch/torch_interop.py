#!/usr/bin/env python3
"""Interop between studio's LSTM checkpoints and PyTorch's nn.LSTM.

A studio checkpoint is a safetensors file with PyTorch's parameter names (embedding.weight, lstm.weight_ih_l0,
lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0, ..., fc.weight, fc.bias) and the vocabulary as a JSON list in
the metadata key "vocab" (the convention of ../shared/tools/torch_lstm_bench.py). This script checks both
directions; it prints one JSON object on stdout.

  logits --model FILE --prompt TEXT [--greedy N]
      Loads FILE into nn.Embedding + nn.LSTM(batch_first=True) + nn.Linear with load_state_dict(strict=True) and
      prints the logits after every prompt character ("logits": [len(prompt)][V]) and, with --greedy N, the N
      characters of greedy (argmax) decoding that follow the prompt ("greedy").
  make --out FILE --vocab JSON --embed E --hidden H --layers L --seed S [--prompt TEXT]
      Writes a PyTorch-initialised model (torch.manual_seed(S)) as float32 safetensors with studio's metadata, and
      prints its logits for --prompt, so studio can check it reads PyTorch-written files.

Reads F32, F16 and BF16 tensors (studio ships float16 models); writes F32. Runs on the CPU with one thread. The model
and the file format live in studio_model.py (shared with train.py).
"""

import argparse
import json

import torch

from studio_model import CharLSTM, load_model, logits_and_greedy, write_model


def main():
    torch.set_num_threads(1)
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("logits")
    a.add_argument("--model", required=True)
    a.add_argument("--prompt", required=True)
    a.add_argument("--greedy", type=int, default=0)
    m = sub.add_parser("make")
    m.add_argument("--out", required=True)
    m.add_argument("--vocab", required=True, help="JSON list of one-character strings")
    m.add_argument("--embed", type=int, required=True)
    m.add_argument("--hidden", type=int, required=True)
    m.add_argument("--layers", type=int, required=True)
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--prompt", default="")
    args = p.parse_args()

    if args.command == "logits":
        model, vocab, _ = load_model(args.model)
        out = logits_and_greedy(model, vocab, args.prompt, args.greedy)
        out["torch"] = torch.__version__
        print(json.dumps(out))
        return

    vocab = json.loads(args.vocab)
    torch.manual_seed(args.seed)
    model = CharLSTM(len(vocab), args.embed, args.hidden, args.layers)
    model.eval()
    write_model(args.out, model, vocab, extra={"created_by": "torch_interop.py (torch %s)" % torch.__version__})
    out = logits_and_greedy(model, vocab, args.prompt, 0) if args.prompt else {}
    out["tensors"] = list(model.state_dict().keys())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
