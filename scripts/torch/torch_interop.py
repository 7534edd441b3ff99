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

Reads F32, F16 and BF16 tensors (studio ships float16 models); writes F32. Runs on the CPU with one thread.
"""

import argparse
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn


class CharLSTM(nn.Module):
    def __init__(self, vocab, embed, hidden, layers):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        out, state = self.lstm(self.embedding(x), state)
        return self.fc(out), state


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        raw = data[base + begin:base + end]
        if info["dtype"] == "F32":
            a = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        elif info["dtype"] == "F16":
            a = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif info["dtype"] == "BF16":
            a = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            raise SystemExit("unsupported dtype %s for %s" % (info["dtype"], name))
        tensors[name] = torch.from_numpy(a.reshape(info["shape"]).copy())
    return tensors, meta


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": {k: str(v) for k, v in metadata.items()}}
    blobs, offset = [], 0
    for name, t in tensors:
        b = t.detach().cpu().contiguous().numpy().astype("<f4").tobytes(order="C")
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def load_model(path):
    tensors, meta = read_safetensors(path)
    vocab = json.loads(meta["vocab"])
    V, E = tensors["embedding.weight"].shape
    H = tensors["lstm.weight_hh_l0"].shape[1]
    L = sum(1 for k in tensors if k.startswith("lstm.weight_hh_l"))
    model = CharLSTM(V, E, H, L)
    model.load_state_dict(tensors, strict=True)
    model.eval()
    return model, vocab


def logits_and_greedy(model, vocab, prompt, greedy):
    stoi = {c: i for i, c in enumerate(vocab)}
    bad = [c for c in prompt if c not in stoi]
    if bad:
        raise SystemExit("prompt has characters outside the vocabulary: %r" % bad)
    ids = [stoi[c] for c in prompt]
    with torch.no_grad():
        logits, state = model(torch.tensor([ids], dtype=torch.long))
        out = {"logits": logits[0].tolist()}
        text = []
        last = logits[0, -1]
        for _ in range(greedy):
            nxt = int(torch.argmax(last))
            text.append(vocab[nxt])
            step, state = model(torch.tensor([[nxt]], dtype=torch.long), state)
            last = step[0, -1]
        out["greedy"] = "".join(text)
    return out


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
        model, vocab = load_model(args.model)
        out = logits_and_greedy(model, vocab, args.prompt, args.greedy)
        out["torch"] = torch.__version__
        print(json.dumps(out))
        return

    vocab = json.loads(args.vocab)
    torch.manual_seed(args.seed)
    model = CharLSTM(len(vocab), args.embed, args.hidden, args.layers)
    model.eval()
    meta = {"vocab": json.dumps(vocab), "format": "studio-charlstm-v1",
            "config": json.dumps({"vocab_size": len(vocab), "embed": args.embed, "hidden": args.hidden,
                                  "layers": args.layers, "gate_order": "i,f,g,o", "torch": torch.__version__})}
    write_safetensors(args.out, list(model.state_dict().items()), meta)
    out = logits_and_greedy(model, vocab, args.prompt, 0) if args.prompt else {}
    out["tensors"] = list(model.state_dict().keys())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
