#!/usr/bin/python3
"""bench-vs-pytorch.py — the four-model forward pass: our engine beside PyTorch, same machine,
same run. Prints numbers; it is not a pass/fail test.

Builds four random-weight checkpoints of the exact smp Unet(resnet34, classes=2) module tree
(tests/oracle/unet_ref.py, BN statistics randomised so folding matters), then alternates
`damage-review bench --models DIR --threads T --repeat N` (release build) with PyTorch
(torch.set_num_threads(T), eval, no_grad, the four models one after another, median of N after
one warm-up) in separate processes, so each peak RSS is its own.

Usage: /usr/bin/python3 build-aux/bench-vs-pytorch.py [--build DIR] [--repeat N]
       [--threads T] [--rounds R]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAMES = ["[DAMAGE][Scratch_0]Unet.pt", "[DAMAGE][Seperated_1]Unet.pt",
         "[DAMAGE][Crushed_2]Unet.pt", "[DAMAGE][Breakage_3]Unet.pt"]

TORCH_CHILD = r"""
import resource, statistics, sys, time
import torch
sys.path.insert(0, sys.argv[1])
from unet_ref import Unet
threads, repeat, paths = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
torch.set_num_threads(threads)
models = []
for p in paths:
    m = Unet()
    m.load_state_dict(torch.load(p, map_location="cpu"))
    models.append(m.eval())
g = torch.Generator().manual_seed(1)
x = torch.rand(1, 3, 256, 256, generator=g)
with torch.no_grad():
    for m in models:
        m(x)
    times = []
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(repeat):
        t = time.perf_counter()
        for m in models:
            m(x)
        times.append(time.perf_counter() - t)
r1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) / repeat
print("median %.4f min %.4f rss %.1f cpu %.4f"
      % (statistics.median(times), min(times), r1.ru_maxrss / 1024.0, cpu))
"""


def make_checkpoints(directory):
    """Saves four random models (different seeds) under the original file names."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))
    import torch
    from unet_ref import Unet
    for seed, name in enumerate(NAMES, start=1):
        torch.manual_seed(seed)
        m = Unet()
        for mod in m.modules():
            if isinstance(mod, torch.nn.BatchNorm2d):
                mod.weight.data.uniform_(0.5, 1.5)
                mod.bias.data.uniform_(-0.2, 0.2)
                mod.running_mean.uniform_(-0.2, 0.2)
                mod.running_var.uniform_(0.5, 2.0)
        torch.save(m.state_dict(), os.path.join(directory, name))


def run_ours(binary, directory, threads, repeat):
    """Runs our bench; returns (median s, min s, peak RSS MB, CPU s per pass, full output)."""
    env = dict(os.environ, LC_ALL="C", LANGUAGE="C", OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([binary, "bench", "--models", directory, "--threads", str(threads),
                          "--repeat", str(repeat)], env=env, check=True,
                         capture_output=True, text=True).stdout
    m = re.search(r"Four-model pass: median ([0-9.]+) s, min ([0-9.]+) s", out)
    r = re.search(r"Peak RSS: ([0-9.]+) MB", out)
    c = re.search(r"CPU time per four-model pass \(all threads\): ([0-9.]+) s", out)
    return float(m.group(1)), float(m.group(2)), float(r.group(1)), float(c.group(1)), out


def run_torch(directory, threads, repeat):
    """Runs PyTorch in a child process; returns (median s, min s, peak RSS MB, CPU s/pass)."""
    out = subprocess.run(["/usr/bin/python3", "-c", TORCH_CHILD,
                          os.path.join(ROOT, "tests", "oracle"), str(threads), str(repeat)]
                         + [os.path.join(directory, n) for n in NAMES],
                         check=True, capture_output=True, text=True).stdout
    m = re.search(r"median ([0-9.]+) min ([0-9.]+) rss ([0-9.]+) cpu ([0-9.]+)", out)
    return float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build-release"),
                    help="release build directory (set up and compiled if needed)")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2,
                    help="alternating ours/PyTorch rounds (the machine is noisy)")
    args = ap.parse_args()

    if not os.path.exists(os.path.join(args.build, "build.ninja")):
        subprocess.run(["meson", "setup", args.build, "-Dbuildtype=release"], cwd=ROOT, check=True)
    subprocess.run(["meson", "compile", "-C", args.build, "damage-review"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    binary = os.path.join(args.build, "src", "app", "damage-review")

    with open("/proc/cpuinfo") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    print("CPU: %s, %d online; threads %d, repeat %d, rounds %d; load average before: %.1f"
          % (cpu, os.cpu_count(), args.threads, args.repeat, args.rounds, os.getloadavg()[0]))

    ours, torch_ = [], []
    with tempfile.TemporaryDirectory(prefix="dr-bench-") as d:
        make_checkpoints(d)
        for r in range(args.rounds):
            o = run_ours(binary, d, args.threads, args.repeat)
            t = run_torch(d, args.threads, args.repeat)
            ours.append(o)
            torch_.append(t)
            print("round %d: damage-review median %.4f s (min %.4f, CPU %.3f s), peak RSS %.0f MB"
                  " | PyTorch median %.4f s (min %.4f, CPU %.3f s), peak RSS %.0f MB"
                  % (r + 1, o[0], o[1], o[3], o[2], t[0], t[1], t[3], t[2]))
            print("round %d: ratio %.2f" % (r + 1, o[0] / t[0]))
        print("\nLast damage-review bench output:\n" + ours[-1][4])
    om = statistics.median(o[0] for o in ours)
    tm = statistics.median(t[0] for t in torch_)
    print("Four-model pass, median over rounds: damage-review %.4f s, PyTorch %.4f s, "
          "ratio %.2f (lower is better for us)" % (om, tm, om / tm))
    ob = min(o[0] for o in ours)
    tb = min(t[0] for t in torch_)
    print("Four-model pass, quietest round of each side: damage-review %.4f s, PyTorch %.4f s, "
          "ratio %.2f (a disturbed round inflates the medians above)" % (ob, tb, ob / tb))
    print("CPU time per four-model pass (all threads), median over rounds: damage-review "
          "%.3f s, PyTorch %.3f s" % (statistics.median(o[3] for o in ours),
                                      statistics.median(t[3] for t in torch_)))
    print("Peak RSS with four models loaded: damage-review %.0f MB, PyTorch %.0f MB"
          % (max(o[2] for o in ours), max(t[2] for t in torch_)))
    print("Load average after: %.1f (other work on the machine slows both sides)"
          % os.getloadavg()[0])


if __name__ == "__main__":
    main()
