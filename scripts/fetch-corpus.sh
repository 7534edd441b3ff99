#!/usr/bin/env bash
# Downloads a training corpus from its public source and verifies it.
#
#   scripts/fetch-corpus.sh irish [-o DIR]     → DIR/irish.abc (default DIR: corpora)
#
# irish: the MIT 6.S191 lab dataset (804 Irish folk tunes, MIT licence), shipped inside the PyPI sdist
# mitdeeplearning==0.7.5 as mitdeeplearning/data/irish.abc. The sdist is fetched with pip (`pip download --no-deps
# --no-binary :all:`); both the sdist and the extracted file are checked against the SHA-256 digests recorded in
# ../shared/corpora/README.md. `studio corpus fetch irish -o DIR` does the same.
#
# pip prepares the sdist's metadata after downloading it, and the package's setup.py needs `pkg_resources`, which
# setuptools ≥ 70 in pip's isolated build environment no longer provides, so the build environment is pinned to
# setuptools < 70 through PIP_CONSTRAINT (nothing is installed outside that throw-away environment).
#
# Exit status: 0 done, 1 a digest did not match (nothing written), 2 usage, network or tool error.
set -euo pipefail

SDIST_NAME="mitdeeplearning-0.7.5.tar.gz"
SDIST_SHA256="56b1588e1574d17f3ff07a3d56e3b45f2f568f78a92855141f959f407084242b"
MEMBER="mitdeeplearning-0.7.5/mitdeeplearning/data/irish.abc"
FILE_SHA256="df3782d5f7b5a2f4c66aa7c13f13008d5f48757b3f5f51620cd6c1ceb2c53023"

usage() { echo "usage: scripts/fetch-corpus.sh irish [-o DIR]" >&2; exit 2; }

name=""
out="corpora"
while (($#)); do
  case "$1" in
    -o|--output|--out-dir) [ $# -ge 2 ] || usage; out="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fetch-corpus: unknown option $1" >&2; usage ;;
    *) [ -z "$name" ] || usage; name="$1"; shift ;;
  esac
done
[ -n "$name" ] || name="irish"
[ "$name" = "irish" ] || { echo "fetch-corpus: unknown corpus '$name' (known: irish)" >&2; exit 2; }

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || { echo "fetch-corpus: $PYTHON not found; install python3 and pip" >&2; exit 2; }
"$PYTHON" -m pip --version >/dev/null 2>&1 || { echo "fetch-corpus: pip is missing (apt-get install python3-pip)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/fetch-corpus.XXXXXX")"
trap 'rm -rf "$work"' EXIT
echo "setuptools<70" >"$work/constraints.txt"

echo "fetch-corpus: downloading $SDIST_NAME from PyPI"
if ! PIP_CONSTRAINT="$work/constraints.txt" "$PYTHON" -m pip download --quiet --no-deps --no-binary :all: \
    --dest "$work" mitdeeplearning==0.7.5 >"$work/pip.log" 2>&1; then
  cat "$work/pip.log" >&2
  echo "fetch-corpus: pip download failed (network or PyPI problem; log above)" >&2
  exit 2
fi
[ -f "$work/$SDIST_NAME" ] || { echo "fetch-corpus: pip did not produce $SDIST_NAME" >&2; exit 2; }

got="$(sha256sum "$work/$SDIST_NAME" | cut -d' ' -f1)"
if [ "$got" != "$SDIST_SHA256" ]; then
  echo "fetch-corpus: $SDIST_NAME has sha256 $got, expected $SDIST_SHA256; nothing written" >&2
  exit 1
fi

tar -xzf "$work/$SDIST_NAME" -C "$work" "$MEMBER" || { echo "fetch-corpus: $MEMBER is not in the sdist" >&2; exit 2; }
got="$(sha256sum "$work/$MEMBER" | cut -d' ' -f1)"
if [ "$got" != "$FILE_SHA256" ]; then
  echo "fetch-corpus: irish.abc has sha256 $got, expected $FILE_SHA256; nothing written" >&2
  exit 1
fi

mkdir -p "$out"
tmp="$out/.irish.abc.$$.tmp"
cp "$work/$MEMBER" "$tmp"
mv -f "$tmp" "$out/irish.abc"
echo "fetch-corpus: wrote $out/irish.abc (804 tunes, sha256 $FILE_SHA256)"
