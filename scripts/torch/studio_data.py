"""studio's training data in Python: tunes split out of ABC files, the train/validation split, the vocabulary, corpus
weights and fingerprints, computed exactly as the Swift code does, so a model trained here has the token ids, the
validation tunes and the corpus fingerprints `studio` expects.

Swift counterparts (keep them in step):
  TuneCorpus       Sources/LSTM/Data/TuneCorpus.swift       load_corpus, split_tunes, fingerprint
  DatasetSplit     Sources/LSTM/Data/DatasetSplit.swift     split_dataset
  Vocabulary       Sources/LSTM/Data/Vocabulary.swift       vocabulary_of
  TrainingStream   Sources/LSTM/Data/TrainingStream.swift   weighted_copies
  SplitMix64       Sources/LSTM/Data/SplitMix64.swift       SplitMix64

Plain Python (no torch): the batchers in studio_batches.py turn these into tensors.
"""

import hashlib
import math
import os
import re

_MASK = (1 << 64) - 1


class SplitMix64:
    """SplitMix64 with Lemire's bounded draw, bit for bit as studio's `SplitMix64` (seeded results agree)."""

    def __init__(self, seed):
        self.state = seed & _MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def next_index(self, bound):
        """A uniform integer in 0..<bound (Lemire's multiply-and-reject, as `nextIndex(below:)`)."""
        if bound <= 0:
            raise ValueError("SplitMix64.next_index needs a positive bound")
        product = bound * self.next()
        high, low = product >> 64, product & _MASK
        if low < bound:
            threshold = ((1 << 64) - bound) % bound
            while low < threshold:
                product = bound * self.next()
                high, low = product >> 64, product & _MASK
        return high


class CorpusError(Exception):
    """A corpus that cannot be read, as studio's CorpusError (the message names the file, line and column)."""


# MARK: - Tunes out of ABC files

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_TRAILING = " \t\x0b\x0c"


def split_tunes(text):
    """Normalises ABC text and splits it into tunes, as `TuneCorpus.tunes(in:)`: a tune starts at each line beginning
    with `X:` and runs until the next one; text before the first `X:` is dropped; CRLF and lone CR are line breaks;
    trailing spaces, tabs, VT and FF are stripped from every line, then tabs become spaces; a tune's blank lines are
    kept only when more text of the tune follows them."""
    tunes = []
    current = None
    pending = 0
    for line in _LINE_BREAK.split(text):
        line = line.rstrip(_TRAILING)
        if line.startswith("X:"):
            if current is not None:
                tunes.append("".join(current))
            current = [line.replace("\t", " ")]
            pending = 0
        elif current is not None:
            if not line:
                pending += 1
            else:
                current.append("\n" * (pending + 1) + line.replace("\t", " "))
                pending = 0
    if current is not None:
        tunes.append("".join(current))
    return tunes


def _first_invalid_utf8(data):
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as error:
        offset = error.start
    line, line_start = 1, 0
    for i in range(offset):
        b = data[i]
        if b == 0x0A or (b == 0x0D and (i + 1 >= len(data) or data[i + 1] != 0x0A)):
            line += 1
            line_start = i + 1
    return line, offset - line_start + 1


def _tunes_of_file(path, explicit):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        raise CorpusError("%s: error: cannot read the file: %s" % (path, error.strerror)) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    bad = _first_invalid_utf8(data)
    if bad:
        raise CorpusError("%s:%d:%d: error: the file is not valid UTF-8" % (path, bad[0], bad[1]))
    tunes = split_tunes(data.decode("utf-8"))
    if not tunes and explicit:
        if not data.strip(b" \t\n\r\x0b\x0c"):
            raise CorpusError("%s: error: the file is empty" % path)
        raise CorpusError("%s: error: no tunes (no line starts with X:)" % path)
    return tunes


def _abc_files_under(directory):
    """`*.abc` below `directory`, recursively, hidden entries skipped, sorted by path bytes (as TuneCorpus)."""
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and name.lower().endswith(".abc"):
                relative = os.path.relpath(os.path.join(root, name), directory)
                found.append(directory + relative if directory.endswith("/") else directory + "/" + relative)
    if not found:
        raise CorpusError("%s: error: no .abc files in the directory" % directory)
    return sorted(found, key=lambda p: p.encode("utf-8"))


def fingerprint(tunes):
    """SHA-256 hex of `"\\n\\n".join(tunes)` as UTF-8 (`TuneCorpus.fingerprint`)."""
    h = hashlib.sha256()
    for i, tune in enumerate(tunes):
        if i:
            h.update(b"\n\n")
        h.update(tune.encode("utf-8"))
    return h.hexdigest()


def load_corpus(paths):
    """The tunes of ABC files and directories in load order (`TuneCorpus.load(paths:)`): a path given twice is read
    once; a file named directly must hold tunes, files found in a directory without tunes are skipped."""
    if not paths:
        raise CorpusError("error: no corpus paths")
    files, seen = [], set()
    for path in paths:
        if os.path.isdir(path):
            for file in _abc_files_under(path):
                if os.path.abspath(file) not in seen:
                    seen.add(os.path.abspath(file))
                    files.append((file, False, path))
        elif os.path.exists(path):
            if os.path.abspath(path) not in seen:
                seen.add(os.path.abspath(path))
                files.append((path, True, None))
        else:
            raise CorpusError("%s: error: no such file or directory" % path)
    tunes, per_directory = [], {}
    for file, explicit, directory in files:
        found = _tunes_of_file(file, explicit)
        if directory is not None:
            per_directory[directory] = per_directory.get(directory, 0) + len(found)
        tunes += found
    for path in paths:
        if per_directory.get(path, None) == 0:
            raise CorpusError("%s: error: no tunes in any .abc file of the directory" % path)
    return tunes


# MARK: - Split, vocabulary, weights


def split_dataset(tunes, validation_fraction, seed, method):
    """(train, validation) tunes in corpus order (`DatasetSplit.split`). `method`: "every-tenth" (tune i held out
    when i % 10 == 9) or "random" (round(fraction × count) tunes by a partial Fisher-Yates with SplitMix64(seed))."""
    held = [False] * len(tunes)
    if method == "every-tenth":
        for i in range(9, len(tunes), 10):
            held[i] = True
    elif method == "random":
        fraction = 0.0 if math.isnan(validation_fraction) else min(1.0, max(0.0, validation_fraction))
        count = min(len(tunes), _round_half_away(fraction * len(tunes)))
        generator = SplitMix64(seed)
        order = list(range(len(tunes)))
        for i in range(count):
            j = i + generator.next_index(len(order) - i)
            order[i], order[j] = order[j], order[i]
            held[order[i]] = True
    else:
        raise ValueError("split must be every-tenth or random, not %r" % method)
    train = [t for t, h in zip(tunes, held) if not h]
    validation = [t for t, h in zip(tunes, held) if h]
    return train, validation


def _round_half_away(x):
    """Swift's `rounded()`: to nearest, ties away from zero (Python's round() ties to even)."""
    return int(math.floor(x + 0.5)) if x >= 0 else -int(math.floor(-x + 0.5))


def vocabulary_of(tunes):
    """The distinct Unicode scalars of all tunes plus "\\n", in code-point order (`Vocabulary(tunes:)`)."""
    symbols = set("\n")
    for tune in tunes:
        symbols.update(tune)
    return sorted(symbols)


MAXIMUM_WEIGHT = 1000.0


def weighted_copies(sources, seed):
    """The tune copies of a weighted mix, in stream order (`TrainingStream`, unshuffled): source i with n tunes and
    weight w gives round(w·n) copies: every tune floor(w) times, then round(w·n) − floor(w)·n distinct tunes drawn
    without replacement by one SplitMix64(seed) shared by all sources, in tune order.
    `sources`: [(tunes, weight)]. Returns [(source index, tune index)]."""
    generator = SplitMix64(seed)
    copies = []
    for s, (tunes, weight) in enumerate(sources):
        if not math.isfinite(weight) or weight < 0 or weight > MAXIMUM_WEIGHT:
            raise ValueError("weight %r of corpus %d is not in 0...%g" % (weight, s + 1, MAXIMUM_WEIGHT))
        n = len(tunes)
        total = _round_half_away(weight * n)
        whole = int(math.floor(weight))
        for _ in range(whole):
            copies += [(s, t) for t in range(n)]
        extra = total - whole * n
        if extra > 0:
            order = list(range(n))
            chosen = [False] * n
            for i in range(extra):
                j = i + generator.next_index(n - i)
                order[i], order[j] = order[j], order[i]
                chosen[order[i]] = True
            copies += [(s, t) for t in range(n) if chosen[t]]
    if not copies:
        raise ValueError("the weighted training data is empty (all weights 0 or no training tunes)")
    return copies


class Dataset:
    """What a model trains and validates on, as `TrainingData.make`: each corpus split on its own, the vocabulary of
    all tunes of all corpora, the weighted training tune copies, the held-out tunes, the corpus fingerprints."""

    def __init__(self, corpus_paths, weights, validation_fraction, split, seed):
        if len(weights) == 1 and len(corpus_paths) > 1:
            weights = weights * len(corpus_paths)
        if len(weights) != len(corpus_paths):
            raise ValueError("%d weights for %d corpora; give one weight per corpus" % (len(weights), len(corpus_paths)))
        corpora = [load_corpus([path]) for path in corpus_paths]
        splits = [split_dataset(tunes, validation_fraction, seed, split) for tunes in corpora]
        self.vocabulary = vocabulary_of([t for tunes in corpora for t in tunes])
        self.fingerprints = [fingerprint(tunes) for tunes in corpora]
        if not any(train for train, _ in splits):
            raise ValueError("no training tunes")
        self.validation = [t for _, validation in splits for t in validation]
        if not self.validation:
            raise ValueError("no validation tunes (the split holds none out)")
        copies = weighted_copies([(train, w) for (train, _), w in zip(splits, weights)], seed)
        self.train_copies = [splits[s][0][t] for s, t in copies]
        self.corpus_paths = list(corpus_paths)
        self.weights = list(weights)
        self.tune_counts = [len(tunes) for tunes in corpora]
        self._ids = {c: i for i, c in enumerate(self.vocabulary)}

    def encode(self, text):
        return [self._ids[c] for c in text]

    def stream(self):
        """Token ids of the training copies joined by "\\n\\n" (`TrainingStream.tokens`): the window mode's text."""
        return self.encode("\n\n".join(self.train_copies))

    def training_tunes(self):
        """Token ids of every training copy + "\\n\\n": the tune mode's sequences."""
        return [self.encode(t + "\n\n") for t in self.train_copies]

    def validation_sequences(self):
        """Token ids of every held-out tune + "\\n\\n", each scored from a zero state."""
        return [self.encode(t + "\n\n") for t in self.validation]
