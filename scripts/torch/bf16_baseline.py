#!/usr/bin/env python3
"""PyTorch's own mixed-precision figure for the `studio bench lstm` presets: one nn.LSTM training step (embedding →
LSTM → linear → cross-entropy, Adam) timed in float32 and under `torch.autocast("cpu", dtype=torch.bfloat16)`, two
threads, random tokens of the preset's shape (B×T windows). Prints tokens/s for both, so studio's default bf16
mixed-precision figure can be compared with PyTorch's fp32 (`baseline.sh`, the reference) and with its bf16.

    /tmp/torchenv/bin/python scripts/torch/bf16_baseline.py [small|folkrnn|mit ...]
"""
import sys
import time

import torch

PRESETS = {  # E, H, L, B, T
    "small": (64, 256, 2, 32, 100),
    "folkrnn": (128, 512, 3, 64, 50),
    "mit": (256, 1024, 1, 8, 100),
}
VOCAB = 83  # irish.abc


class CharLSTM(torch.nn.Module):
    def __init__(self, embed, hidden, layers):
        super().__init__()
        self.embedding = torch.nn.Embedding(VOCAB, embed)
        self.lstm = torch.nn.LSTM(embed, hidden, layers, batch_first=True)
        self.fc = torch.nn.Linear(hidden, VOCAB)

    def forward(self, x):
        return self.fc(self.lstm(self.embedding(x))[0])


def tokens_per_second(preset, bf16, steps=40):
    embed, hidden, layers, batch, seq = PRESETS[preset]
    torch.manual_seed(0)
    model = CharLSTM(embed, hidden, layers)
    opt = torch.optim.Adam(model.parameters(), 5e-3)
    x = torch.randint(0, VOCAB, (batch, seq))
    y = torch.randint(0, VOCAB, (batch, seq))

    def step():
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits.float().reshape(-1, VOCAB), y.reshape(-1))
        loss.backward()
        opt.step()

    for _ in range(5):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return steps * batch * seq / (time.perf_counter() - start)


def main():
    torch.set_num_threads(2)
    for preset in sys.argv[1:] or list(PRESETS):
        fp32 = tokens_per_second(preset, False)
        bf16 = tokens_per_second(preset, True)
        print(f'{{"preset": "{preset}", "torch_fp32_tokens_per_s": {fp32:.0f}, "torch_bf16_autocast_tokens_per_s": {bf16:.0f}}}')


if __name__ == "__main__":
    main()
