"""The two batching modes of `training.batching`, as global batches of B rows that every rank computes identically
(cheap index bookkeeping) and then slices: rank r of W trains rows [r·B/W, (r+1)·B/W). So the data each row sees
does not depend on the world size. numpy only; train.py makes tensors.

windows  B windows of T+1 tokens of the "\\n\\n"-joined training stream at uniform random offsets in [0, N−T−1)
         (studio's WindowSampler); the state is reset every window, or with `carry` each row reads the stream on
         from where its last window ended (restarting at a random offset, state reset, when it would run past the end).
tunes    every training tune copy + "\\n\\n" is one sequence; the copies are shuffled every epoch; each row reads its
         own queue of whole tunes, taking the next tune of the shared shuffled list when it finishes one. A tune of n
         tokens gives ceil((n−1)/T) windows: window k feeds tokens[kT ..< kT+T] and predicts tokens[kT+1 ..< kT+T+1];
         positions past the end have input 0 and target −1 (masked). A row's state is carried from window to window
         of one tune and reset when it starts the next tune.

Both draw from SplitMix64 (studio_data) seeded by training.seed exactly as studio's WindowSampler and TuneBatcher
(Sources/LSTM/Training/), so for the same config the batches are the ones `studio train` trains on.
`state()`/`restore()` give what a resumed run needs to continue with the same batches.
"""

import numpy as np

from studio_data import SplitMix64

IGNORE = -1


class WindowBatches:
    def __init__(self, stream, batch, steps, seed, carry=False):
        self.stream = np.asarray(stream, dtype=np.int64)
        if len(self.stream) < steps + 2:
            raise ValueError("the training text has %d characters; a window needs %d" % (len(self.stream), steps + 2))
        self.batch, self.steps, self.carry = batch, steps, carry
        self.generator = SplitMix64(seed)
        self.cursors = []

    def next(self):
        """(inputs [B, T], targets [B, T], reset [B] bools: rows whose state starts from zero)."""
        B, T = self.batch, self.steps
        starts = len(self.stream) - T - 1
        reset = np.ones(B, dtype=bool)
        if self.carry:
            reset[:] = False
            if not self.cursors:
                self.cursors = [self.generator.next_index(starts) for _ in range(B)]
                reset[:] = True
            offsets = []
            for b in range(B):
                if self.cursors[b] + T + 1 > len(self.stream):
                    self.cursors[b] = self.generator.next_index(starts)
                    reset[b] = True
                offsets.append(self.cursors[b])
                self.cursors[b] += T
        else:
            offsets = [self.generator.next_index(starts) for _ in range(B)]
        index = np.asarray(offsets)[:, None] + np.arange(T + 1)[None, :]
        windows = self.stream[index]
        return windows[:, :-1], windows[:, 1:], reset

    def state(self):
        return {"generator": self.generator.state, "cursors": list(self.cursors)}

    def restore(self, state):
        self.generator.state = state["generator"]
        self.cursors = list(state["cursors"])


class TuneBatches:
    def __init__(self, tunes, batch, steps, seed):
        self.tunes = [np.asarray(t, dtype=np.int64) for t in tunes]
        if not self.tunes or min(len(t) for t in self.tunes) < 2:
            raise ValueError("every training sequence needs at least 2 tokens")
        self.batch, self.steps, self.seed = batch, steps, seed
        self.epoch, self.position = 0, 0
        self.order = self.epoch_order(seed, 0, len(self.tunes))
        self.rows = [None] * batch  # (tune index, next window) per row

    @staticmethod
    def epoch_order(seed, epoch, count):
        """The tune order of `epoch`: studio's `TuneBatcher.order(seed:epoch:count:)`, a Fisher-Yates shuffle by a
        SplitMix64 seeded from the seed and the epoch only."""
        generator = SplitMix64(seed ^ 0x54554E4553000000 ^ ((epoch * 0x9E3779B97F4A7C15) & ((1 << 64) - 1)))
        order = list(range(count))
        for i in range(count - 1, 0, -1):
            j = generator.next_index(i + 1)
            order[i], order[j] = order[j], order[i]
        return order

    def windows_of(self, tune):
        return -(-(len(self.tunes[tune]) - 1) // self.steps)

    def _next_tune(self):
        if self.position == len(self.order):
            self.epoch += 1
            self.position = 0
            self.order = self.epoch_order(self.seed, self.epoch, len(self.tunes))
        tune = self.order[self.position]
        self.position += 1
        return tune

    def next(self):
        """(inputs [B, T], targets [B, T] with −1 past a tune's end, reset [B] bools: rows starting a new tune)."""
        B, T = self.batch, self.steps
        inputs = np.zeros((B, T), dtype=np.int64)
        targets = np.full((B, T), IGNORE, dtype=np.int64)
        reset = np.zeros(B, dtype=bool)
        for b in range(B):
            if self.rows[b] is None or self.rows[b][1] >= self.windows_of(self.rows[b][0]):
                self.rows[b] = (self._next_tune(), 0)
                reset[b] = True
            tune, k = self.rows[b]
            tokens = self.tunes[tune]
            x = tokens[k * T:k * T + T]
            y = tokens[k * T + 1:k * T + T + 1]
            inputs[b, :len(x)] = x
            targets[b, :len(y)] = y
            self.rows[b] = (tune, k + 1)
        return inputs, targets, reset

    def state(self):
        return {"epoch": self.epoch, "position": self.position, "rows": [list(r) if r else None for r in self.rows]}

    def restore(self, state):
        self.epoch, self.position = state["epoch"], state["position"]
        self.order = self.epoch_order(self.seed, self.epoch, len(self.tunes))
        self.rows = [tuple(r) if r else None for r in state["rows"]]
