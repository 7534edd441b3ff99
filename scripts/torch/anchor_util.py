"""CPU-contention helpers imported by ../shared/tools/torch_lstm_bench.py (`from anchor_util import CpuMonitor,
wait_idle`), which expects this module next to it; run the baseline with this directory on PYTHONPATH:

    PYTHONPATH=scripts/torch /tmp/torchenv/bin/python ../shared/tools/torch_lstm_bench.py ../shared/corpora/irish.abc ...

CpuMonitor measures, between its creation and report(), the share of all CPUs that *other* processes used
(from /proc/stat minus this process's own /proc/self/stat time) and the share stolen by the hypervisor.
"""

import os
import time

_TICK = os.sysconf("SC_CLK_TCK")


def _system_times():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq
    return busy, busy + idle + iowait + steal, steal


def _own_ticks():
    with open("/proc/self/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])  # utime + stime, all threads


class CpuMonitor:
    """Foreign CPU use over the interval from construction to report()."""

    def __init__(self):
        self.busy, self.total, self.steal = _system_times()
        self.own = _own_ticks()

    def report(self):
        busy, total, steal = _system_times()
        own = _own_ticks()
        dt = max(1, total - self.total)
        foreign = max(0, (busy - self.busy) - (own - self.own))
        return {"foreign_cpu_frac": foreign / dt, "steal_frac": (steal - self.steal) / dt}


def wait_idle(timeout_s, log=print, threshold=0.05, window_s=1.0):
    """Waits until other processes use less than `threshold` of the CPUs for `window_s`, or `timeout_s` passes.
    Returns the seconds waited."""
    start = time.time()
    while time.time() - start < timeout_s:
        m = CpuMonitor()
        time.sleep(window_s)
        if m.report()["foreign_cpu_frac"] <= threshold:
            return round(time.time() - start, 2)
    log("wait_idle: machine still busy after %.0f s; measuring anyway" % timeout_s)
    return round(time.time() - start, 2)
