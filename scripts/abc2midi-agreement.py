#!/usr/bin/env python3
"""Measures how often studio plays the melody of an ABC tune exactly as abc2midi does.

    scripts/abc2midi-agreement.py [--studio BIN] [--before BIN] [--list] SET=FILE_OR_DIR ...

Every tune of every `.abc` file of a set is written to its own temporary file (with its file's header block, which
both programs apply to every tune) and converted three ways: by `abc2midi` (the oracle), by `studio convert --abc2midi`
and by `studio convert` (default mode, ABC 2.1 where abc2midi departs from it). A tune agrees when the two melody
note lists are equal: same pitches, note-on and note-off within one tick (abc2midi starts every note one tick late and
truncates tuplet arithmetic, ABC reference 12.1). Accompaniment (gchord track, drums) is left out on both sides.
A tune neither program can play (no notes at all) agrees. A tune abc2midi rejects (it writes no notes, studio does)
is counted apart in the "rejected" column and left out of the percentages.

With --before, a second studio binary is measured on the same tunes and the figures are printed side by side.
With --every N only every Nth tune of a set is measured (a fixed sample, the same for every binary).
With --list, each disagreeing tune is printed with the first differing note (for sorting into documented classes);
a default-mode difference that --abc2midi mode does not have is tagged with the one abc2midi behaviour
(`studio convert --abc2midi-only B`) that removes it.
Not a test: it spawns three processes per tune (five with --before) and takes minutes; --jobs N runs N tunes at once.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile


def read_midi_notes(path):
    """(on, off, pitch) of every note outside accompaniment tracks and channel 10, sorted; None when unreadable.

    Accompaniment tracks: abc2midi's "gchord track", studio's "accompaniment" and "drums" tracks (drones stay on
    both sides: abc2midi plays them in the voice's track)."""
    try:
        data = open(path, "rb").read()
    except OSError:
        return None
    if data[:4] != b"MThd":
        return None
    ntracks = struct.unpack(">H", data[10:12])[0]
    pos = 8 + struct.unpack(">I", data[4:8])[0]
    notes = []
    for _ in range(ntracks):
        if data[pos:pos + 4] != b"MTrk":
            break
        length = struct.unpack(">I", data[pos + 4:pos + 8])[0]
        track = data[pos + 8:pos + 8 + length]
        pos += 8 + length
        tick = 0
        i = 0
        status = 0
        open_notes = {}
        track_notes = []
        skip = False
        while i < len(track):
            delta = 0
            while True:
                b = track[i]
                i += 1
                delta = (delta << 7) | (b & 0x7F)
                if b < 0x80:
                    break
            tick += delta
            b = track[i]
            if b == 0xFF:
                kind = track[i + 1]
                i += 2
                n = 0
                while True:
                    c = track[i]
                    i += 1
                    n = (n << 7) | (c & 0x7F)
                    if c < 0x80:
                        break
                text = track[i:i + n]
                if kind in (1, 3) and text in (b"gchord track", b"accompaniment", b"drums"):
                    skip = True
                i += n
                continue
            if b in (0xF0, 0xF7):
                i += 1
                n = 0
                while True:
                    c = track[i]
                    i += 1
                    n = (n << 7) | (c & 0x7F)
                    if c < 0x80:
                        break
                i += n
                continue
            if b & 0x80:
                status = b
                i += 1
            kind = status & 0xF0
            channel = status & 0x0F
            size = 1 if kind in (0xC0, 0xD0) else 2
            args = track[i:i + size]
            i += size
            if kind in (0x80, 0x90) and channel != 9:
                key = (channel, args[0])
                if kind == 0x90 and args[1] > 0:
                    open_notes.setdefault(key, []).append(tick)
                elif open_notes.get(key):
                    on = open_notes[key].pop(0)
                    track_notes.append((on, tick, args[0]))
        if not skip:
            notes += track_notes
    return sorted(notes)


def difference(a, b):
    """None when the abc2midi notes `a` (already shifted one tick earlier) and studio notes `b` agree."""
    for k, (x, y) in enumerate(zip(a, b)):
        if x[2] != y[2] or abs(x[0] - y[0]) > 1 or abs(x[1] - y[1]) > 1:
            return "note %d: abc2midi %s, studio %s" % (k, x, y)
    if len(a) != len(b):
        return "abc2midi has %d notes, studio %d" % (len(a), len(b))
    return None


def split_tunes(text):
    """The file header block (or '') and the text of each tune (from X: to the next empty line)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header = []
    k = 0
    if lines and not lines[0].startswith("X:"):
        block = []
        while k < len(lines) and lines[k].strip() != "" and not lines[k].startswith("X:"):
            block.append(lines[k])
            k += 1
        if any(re.match(r"^([A-Za-z]:|%%)", l) for l in block):
            header = [l for l in block if not l.startswith("%abc")]
    tunes = []
    current = None
    for line in lines[k:]:
        if line.startswith("X:"):
            if current:
                tunes.append(current)
            current = [line]
        elif current is not None:
            if line.strip() == "":
                tunes.append(current)
                current = None
            else:
                current.append(line)
    if current:
        tunes.append(current)
    head = "\n".join(header) + "\n\n" if header else ""
    return [head + "\n".join(t) + "\n" for t in tunes]


def run(cmd, cwd):
    """The text the command printed (stdout and stderr); '' when it timed out."""
    try:
        done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    except subprocess.TimeoutExpired:
        return "timeout"
    return done.stdout.decode("utf-8", errors="replace")


BEHAVIOURS = ("repeats", "chords", "attack", "swing", "graces", "decorations")


def studio_notes(binary, abc, mid, work, abc2midi_mode, only=None):
    if os.path.exists(mid):
        os.remove(mid)
    cmd = [binary, "convert", abc, "-o", mid] + (["--abc2midi"] if abc2midi_mode else [])
    cmd += ["--abc2midi-only", only] if only else []
    run(cmd, work)
    notes = read_midi_notes(mid)
    return notes if notes is not None else []


def measure(tune, binaries, root, classify):
    """(rejected, {(label, mode): None or the first difference}) for one tune, in a scratch directory of its own.

    With `classify`, a default-mode difference of the first binary that --abc2midi mode does not have is followed by
    "[class: B]", B being the one `--abc2midi-only` behaviour that removes it ("several" when none does alone).

    abc2midi rejects a tune when it writes no notes at all but studio does (abc2midi stops at errors it cannot
    recover from, e.g. a missing K: field or a syntax error in the header): such a tune is no measure of agreement and
    is counted apart."""
    work = tempfile.mkdtemp(dir=root)
    try:
        abc = os.path.join(work, "t.abc")
        with open(abc, "w", encoding="utf-8") as out:
            out.write(tune)
        theirs_path = os.path.join(work, "a.mid")
        run(["abc2midi", abc, "-o", theirs_path, "-silent"], work)
        theirs = read_midi_notes(theirs_path) or []
        theirs = [(on - 1, off, pitch) for on, off, pitch in theirs]
        result = {}
        for label, binary in binaries:
            for mode in ("abc2midi", "default"):
                ours = studio_notes(binary, abc, os.path.join(work, "s.mid"), work, mode == "abc2midi")
                result[(label, mode)] = difference(theirs, ours)
        first = binaries[0][0]
        if classify and result[(first, "default")] is not None and result[(first, "abc2midi")] is None:
            behaviour = next((b for b in BEHAVIOURS if difference(theirs, studio_notes(
                binaries[0][1], abc, os.path.join(work, "s.mid"), work, False, b)) is None), "several")
            result[(first, "default")] += " [class: %s]" % behaviour
        rejected = not theirs and any(why is not None for why in result.values())
        return rejected, result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p.add_argument("--studio", default=os.path.join(root, ".build/debug/studio"))
    p.add_argument("--before", help="a second studio binary (the state before a change)")
    p.add_argument("--list", action="store_true", help="print each disagreeing tune")
    p.add_argument("--jobs", type=int, default=1, help="tunes measured at once (default 1)")
    p.add_argument("--every", type=int, default=1, metavar="N",
                   help="measure only every Nth tune of each set (the 1st, N+1st, …), for a quick sample")
    p.add_argument("sets", nargs="+", metavar="SET=PATH")
    args = p.parse_args()
    if not shutil.which("abc2midi"):
        sys.exit("abc2midi not found (apt-get install abcmidi)")
    binaries = [("after", args.studio)] + ([("before", args.before)] if args.before else [])
    work = tempfile.mkdtemp(prefix="abc2midi-agreement-")
    rows = []
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            for spec in args.sets:
                name, _, path = spec.partition("=")
                files = []
                if os.path.isdir(path):
                    for d, _, names in os.walk(path):
                        files += [os.path.join(d, n) for n in names if n.endswith(".abc")]
                else:
                    files = [path]
                tunes = []
                for f in sorted(files):
                    text = open(f, encoding="utf-8", errors="replace").read()
                    tunes += [(f, n, tune) for n, tune in enumerate(split_tunes(text))]
                tunes = tunes[::max(1, args.every)]
                counts = {(b, m): 0 for b, _ in binaries for m in ("abc2midi", "default")}
                rejected_count = 0
                results = pool.map(lambda t: measure(t[2], binaries, work, args.list), tunes)
                for (f, n, tune), (rejected, result) in zip(tunes, results):
                    title = next((l[2:].strip() for l in tune.split("\n") if l.startswith("T:")), "")
                    if rejected:
                        rejected_count += 1
                        if args.list:
                            print("%s %s#%d [rejected] %s: abc2midi writes no notes" % (
                                name, os.path.basename(f), n, title))
                        continue
                    for (label, mode), why in result.items():
                        if why is None:
                            counts[(label, mode)] += 1
                        elif args.list and label == "after":
                            print("%s %s#%d [%s] %s: %s" % (name, os.path.basename(f), n, mode, title, why))
                    sys.stdout.flush()
                rows.append((name, len(tunes) - rejected_count, rejected_count, counts))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def pct(k, total):
        return "%4d (%5.1f %%)" % (k, 100.0 * k / total) if total else "   -"

    head = "%-14s %6s %8s" % ("set", "tunes", "rejected")
    for label, _ in reversed(binaries):
        head += "  %-17s %-17s" % (label + " --abc2midi", label + " default")
    print(head)
    for name, total, rejected, counts in rows:
        line = "%-14s %6d %8d" % (name, total, rejected)
        for label, _ in reversed(binaries):
            line += "  %-17s %-17s" % (pct(counts[(label, "abc2midi")], total), pct(counts[(label, "default")], total))
        print(line)


if __name__ == "__main__":
    main()
