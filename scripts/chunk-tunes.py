#!/usr/bin/env python3
"""Cuts long single-voice tunes (e.g. whole POP909 songs from `studio import`) into 16-bar training phrases.

    scripts/chunk-tunes.py IN.abc OUT.abc [--bars 16] [--max-repeat 0.5]

Works bar by bar on the simple one-voice ABC `studio import` writes (bar lines `|`, accidentals scoped to the bar,
ties `-` the only thing that crosses a bar line), so every phrase plays exactly the notes it held in the song:

- Silence is not music: runs of two or more whole-bar rests (intros, instrumental breaks, the singer's pauses) split
  the song, and rest bars at the start or end of a phrase are dropped.
- Each stretch of music is cut into phrases of `--bars` bars (4 bars a line); a shorter remainder of at least half a
  phrase stands on its own, a shorter one joins the phrase before it (up to 1.5 phrases) or is dropped.
- Pop songs repeat their verses and choruses verbatim. A phrase more than `--max-repeat` of whose 4-bar windows
  already occurred (anywhere in the corpus so far) is dropped, so the model sees each chorus once rather than three
  times and learns the style instead of memorising the hooks.

Each phrase keeps the song's header (M:, L:, Q:, K:), gets its own X: number, ends with `|]`, and loses a tie that
would dangle past its end. It has no T: line unless `--titles` is given ("<title> (part k)"): POP909's titles are song
numbers, and a model trained on them writes "004 (part 2)" as the title of every new tune (untitled samples get a
made-up title from `studio generate`). Why phrases: a character LSTM learns where a tune ends from
the tunes it sees; 100+ bar songs teach it to ramble past `generate`'s length limits, 16-bar phrases match the folk
corpora.
"""
import argparse
import re

NOTE = re.compile(r"[A-Ga-g]")


def tunes(text):
    block = []
    for line in text.splitlines():
        if line.startswith("X:") and block:
            yield block
            block = []
        if line.strip() or block:
            block.append(line)
    if block:
        yield block


def bars_of(body_lines):
    """The song's bars as strings without bar lines (`|`, `|]`, `||` all end a bar)."""
    music = " ".join(line.strip() for line in body_lines)
    music = re.sub(r"\|\]|\|\||\[\|", "|", music)
    return [b.strip() for b in music.split("|") if b.strip()]


def is_rest(bar):
    return not NOTE.search(re.sub(r'"[^"]*"', "", bar))


def stretches(bars):
    """Runs of music between silences of two or more rest bars, without rest bars at either end."""
    out, current, rests = [], [], 0
    for bar in bars:
        if is_rest(bar):
            rests += 1
            if rests >= 2 and current:
                out.append(current)
                current = []
            elif current:
                current.append(bar)
            continue
        rests = 0
        current.append(bar)
    if current:
        out.append(current)
    trimmed = []
    for s in out:
        while s and is_rest(s[-1]):
            s = s[:-1]
        while s and is_rest(s[0]):
            s = s[1:]
        if s:
            trimmed.append(s)
    return trimmed


def phrases(stretch, size):
    chunks = [stretch[i:i + size] for i in range(0, len(stretch), size)]
    if len(chunks) > 1 and len(chunks[-1]) < size // 2:
        tail = chunks.pop()
        if len(chunks[-1]) + len(tail) <= size + size // 2:
            chunks[-1] = chunks[-1] + tail
    return [c for c in chunks if len(c) >= size // 2 or len(chunks) == 1 and len(c) >= 4]


def windows(bars):
    return {tuple(re.sub(r"-$", "", b) for b in bars[i:i + 4]) for i in range(max(1, len(bars) - 3))}


def render(bars):
    bars = list(bars)
    bars[-1] = re.sub(r"-\s*$", "", bars[-1])
    lines = []
    for i in range(0, len(bars), 4):
        group = bars[i:i + 4]
        last = i + 4 >= len(bars)
        lines.append("|".join(group) + ("|]" if last else "|"))
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--bars", type=int, default=16, help="bars per phrase (default 16)")
    ap.add_argument("--titles", action="store_true", help='keep a "T:<title> (part k)" line in every phrase')
    ap.add_argument("--max-repeat", type=float, default=0.5,
                    help="drop a phrase when more than this share of its 4-bar windows occurred before (default 0.5)")
    args = ap.parse_args()
    text = open(args.input, encoding="utf-8").read()
    out, x, songs, seen = [], 0, 0, set()
    dropped_repeat = dropped_short = 0
    for block in tunes(text):
        header, body, in_body = [], [], False
        for line in block:
            if not line.strip():
                continue
            (body if in_body else header).append(line)
            if line.startswith("K:"):
                in_body = True
        if not body:
            continue
        songs += 1
        title = next((h[2:].strip() for h in header if h.startswith("T:")), "untitled")
        kept = [h for h in header if h[:2] in ("M:", "L:", "Q:", "K:")]
        part = 0
        for stretch in stretches(bars_of(body)):
            cut = phrases(stretch, args.bars)
            dropped_short += len(stretch) > 0 and not cut
            for chunk in cut:
                if sum(not is_rest(b) for b in chunk) < 4:
                    dropped_short += 1
                    continue
                w = windows(chunk)
                if len(w & seen) > args.max_repeat * len(w):
                    dropped_repeat += 1
                    continue
                seen |= w
                part += 1
                x += 1
                titled = [f"T:{title} (part {part})"] if args.titles else []
                out.append("\n".join([f"X:{x}"] + titled + kept + render(chunk)))
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n\n".join(out) + "\n")
    import os
    os.replace(tmp, args.output)
    print(f"chunk-tunes: {songs} tunes → {x} phrases of up to {args.bars} bars in {args.output} "
          f"({dropped_repeat} repeated phrases and {dropped_short} short stretches dropped)")


if __name__ == "__main__":
    main()
