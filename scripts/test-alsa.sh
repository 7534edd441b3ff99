#!/usr/bin/env bash
# The real-ALSA-sequencer tests (the suites named ALSA…), run against the already-built test bundle:
#   natively when /dev/snd/seq exists (then `swift test` has run them already and this only says so);
#   else inside ../shared/tools/with-alsa-seq.sh (a QEMU VM with the kernel sequencer) when that script exists;
#   else they skip, and this prints why.
# Usage: scripts/test-alsa.sh [--force]   (--force runs them here even when swift test already did)
set -euo pipefail
cd "$(dirname "$0")/.."
bundle=.build/debug/studioPackageTests.xctest
vm=../shared/tools/with-alsa-seq.sh
run=("$bundle" --testing-library swift-testing --no-parallel --filter 'MIDITests\.ALSA')
[[ -x $bundle ]] || swift build --build-tests
if [[ -e /dev/snd/seq ]]; then
  if [[ ${1-} == --force ]]; then exec "${run[@]}"; fi
  echo "real-sequencer tests: /dev/snd/seq exists, so swift test ran them natively"
elif [[ -x $vm ]]; then
  echo "real-sequencer tests: no /dev/snd/seq here; running them in a VM with $vm"
  # Exit 125: the guest gave no status (under heavy host load the emulated kernel can panic while booting, in
  # setup_IO_APIC's timer check); boot once more before calling it a failure.
  status=0; "$vm" -t 600 "${run[@]}" || status=$?
  if [[ $status == 125 ]]; then
    echo "real-sequencer tests: the VM did not boot; trying once more"
    status=0; "$vm" -t 600 "${run[@]}" || status=$?
  fi
  exit $status
else
  echo "real-sequencer tests SKIPPED: no /dev/snd/seq (sudo modprobe snd-seq snd-seq-dummy) and no $vm"
fi
