"""studio's character LSTM in PyTorch and its model file, shared by train.py and torch_interop.py.

The model is Embedding(V, E) → L × LSTM(H) → Linear(H, V) with `torch.nn.LSTM` (gates i, f, g, o; both biases), and
dropout on every LSTM layer's output while training (nn.LSTM's `dropout` between layers plus one nn.Dropout before
the output layer), as `Sources/LSTM` trains it.

A studio model file (`Sources/LSTM/Checkpoint/Checkpoint.swift`) is a safetensors file with PyTorch's parameter names
in `state_dict` order (embedding.weight, lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0, ...,
fc.weight, fc.bias) and `__metadata__` keys: `format` (studio-charlstm-v1), `format_version` (1), `vocab` (JSON list of
one-character strings, token id = position), `config` (JSON: vocab_size, embed, hidden, layers, dropout, gate_order,
bias), and when known `training_step`, `validation_bpc`, `validation_loss` (nats), `corpus_fingerprints` (JSON list of
SHA-256 hex), plus free-form keys such as `created_by`. Tensors are F32, F16 or BF16 (rounded to nearest even).
"""

import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn

FORMAT = "studio-charlstm-v1"
FORMAT_VERSION = 1
DTYPES = ("f32", "f16", "bf16")


class CharLSTM(nn.Module):
    def __init__(self, vocab, embed, hidden, layers, dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, num_layers=layers, batch_first=True,
                            dropout=dropout if layers > 1 else 0.0)
        self.dropout = nn.Dropout(dropout)  # the last layer's output; no parameters, so not in state_dict
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, x, state=None):
        """x: [B, T] token ids; state: (h, c), each [L, B, H], or None for zeros. Returns logits [B, T, V], state."""
        out, state = self.lstm(self.embedding(x), state)
        return self.fc(self.dropout(out)), state

    @property
    def shape(self):
        return {"vocab_size": self.embedding.num_embeddings, "embed": self.embedding.embedding_dim,
                "hidden": self.lstm.hidden_size, "layers": self.lstm.num_layers}


# MARK: - safetensors


def read_safetensors(path):
    """(tensors as float32 torch tensors by name, metadata dict). Reads F32, F16 and BF16."""
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
            raise SystemExit("%s: unsupported dtype %s for %s" % (path, info["dtype"], name))
        tensors[name] = torch.from_numpy(a.reshape(info["shape"]).copy())
    return tensors, meta


def _tensor_bytes(t, dtype):
    t = t.detach().to("cpu", torch.float32).contiguous()
    if dtype == "f32":
        return t.numpy().astype("<f4").tobytes(order="C")
    if dtype == "f16":
        return t.numpy().astype("<f2").tobytes(order="C")  # numpy rounds to nearest even, as studio
    if dtype == "bf16":
        return t.to(torch.bfloat16).view(torch.int16).numpy().astype("<i2").tobytes(order="C")
    raise ValueError("dtype must be one of %s, not %r" % (", ".join(DTYPES), dtype))


def write_safetensors(path, tensors, metadata, dtype="f32"):
    """Writes `tensors` ([(name, tensor)], in order) as `dtype` with string `metadata`, atomically (temporary file +
    rename), laid out as studio writes: metadata keys sorted, header padded with spaces to a multiple of 8."""
    header = {"__metadata__": {k: str(metadata[k]) for k in sorted(metadata)}} if metadata else {}
    blobs, offset = [], 0
    for name, t in tensors:
        b = _tensor_bytes(t, dtype)
        header[name] = {"dtype": dtype.upper(), "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    hb = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


# MARK: - studio model files


def checkpoint_metadata(model, vocab, dropout=0.0, step=None, validation_bpc=None, fingerprints=(), extra=None):
    """The `__metadata__` studio's `Checkpoint.file` writes for these weights."""
    config = dict(model.shape)
    config.update({"dropout": dropout, "gate_order": "i,f,g,o",
                   "bias": "gates = x W_ih^T + b_ih + h W_hh^T + b_hh"})
    meta = dict(extra or {})
    meta.update({"format": FORMAT, "format_version": str(FORMAT_VERSION),
                 "vocab": json.dumps(list(vocab), ensure_ascii=False),
                 "config": json.dumps(config, sort_keys=True, separators=(",", ":"))})
    if step is not None:
        meta["training_step"] = str(step)
    if validation_bpc is not None:
        meta["validation_bpc"] = repr(float(validation_bpc))
        meta["validation_loss"] = repr(float(validation_bpc) * math.log(2.0))
    if fingerprints:
        meta["corpus_fingerprints"] = json.dumps(list(fingerprints))
    return meta


def write_model(path, model, vocab, dtype="f32", **metadata):
    """Writes `model`'s weights as a studio model file (see `checkpoint_metadata` for the keyword arguments)."""
    write_safetensors(path, list(model.state_dict().items()), checkpoint_metadata(model, vocab, **metadata), dtype)


def load_model(path):
    """(CharLSTM in eval mode on the CPU, vocabulary list, metadata) from a studio model file; strict about names."""
    tensors, meta = read_safetensors(path)
    vocab = json.loads(meta["vocab"])
    V, E = tensors["embedding.weight"].shape
    H = tensors["lstm.weight_hh_l0"].shape[1]
    L = sum(1 for k in tensors if k.startswith("lstm.weight_hh_l"))
    model = CharLSTM(V, E, H, L)
    model.load_state_dict(tensors, strict=True)
    model.eval()
    return model, vocab, meta


def logits_and_greedy(model, vocab, prompt, greedy):
    """{"logits": logits after every prompt character, "greedy": the `greedy` characters of argmax decoding}."""
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
