#!/usr/bin/python3
"""bench-vs-pytorch.py — the four-model forward pass: our engine beside PyTorch and ONNX
Runtime, same machine, same run. Prints numbers; it is not a pass/fail test.

Builds four random-weight checkpoints of the exact smp Unet(resnet34, classes=2) module tree
(tests/oracle/unet_ref.py, BN statistics randomised so folding matters) and exports the same
modules to ONNX (torch.onnx.export, opset 13). Each round then runs, in separate processes so
each peak RSS is its own: `damage-review bench --models DIR --threads T --repeat N` (release
build) with the CPU's best kernels (fp32, Winograd on), the same with `--kernels
BEST-nowinograd` (implicit GEMM / im2col only, to show what Winograd brings), PyTorch (torch.set_num_threads(T), eval, no_grad) and ONNX Runtime (npm onnxruntime-node,
graph optimisation 'all', T intra-op threads), the four models one after another, median of
N after one warm-up. Everything runs in fp32. onnxruntime-node is installed with npm into ORT_DIR (default: inside the
build directory) when missing; without node/npm the ONNX Runtime column says why it is empty.

Usage: /usr/bin/python3 build-aux/bench-vs-pytorch.py [--build DIR] [--repeat N]
       [--threads T] [--rounds R] [--ort-dir ORT_DIR]
"""
import argparse
import os
import re
import shutil
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


ORT_CHILD = r"""
const ort = require('onnxruntime-node');
const [threads, repeat] = [Number(process.argv[2]), Number(process.argv[3])];
const paths = process.argv.slice(4);
(async () => {
  const opt = { graphOptimizationLevel: 'all', intraOpNumThreads: threads,
                interOpNumThreads: 1, executionMode: 'sequential', executionProviders: ['cpu'] };
  const sessions = [];
  for (const p of paths)
    sessions.push(await ort.InferenceSession.create(p, opt));
  let seed = 1;
  const data = new Float32Array(3 * 256 * 256).map(() => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return (seed >>> 8) / 16777216;
  });
  const feeds = { x: new ort.Tensor('float32', data, [1, 3, 256, 256]) };
  for (const s of sessions)
    await s.run(feeds);
  const times = [];
  const c0 = process.cpuUsage();
  for (let r = 0; r < repeat; r++) {
    const t0 = process.hrtime.bigint();
    for (const s of sessions)
      await s.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const c1 = process.cpuUsage(c0);
  times.sort((a, b) => a - b);
  const n = times.length;
  const med = n % 2 ? times[(n - 1) / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  console.log('median %s min %s rss %s cpu %s', med.toFixed(4), times[0].toFixed(4),
              (process.resourceUsage().maxRSS / 1024).toFixed(1),
              ((c1.user + c1.system) / 1e6 / repeat).toFixed(4));
})().catch((e) => { console.error(String(e)); process.exit(1); });
"""


def make_checkpoints(directory):
    """Saves four random models (different seeds) under the original file names, and the same
    modules as ONNX files (NAME.onnx)."""
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
        m.eval()
        torch.onnx.export(m, torch.rand(1, 3, 256, 256), os.path.join(directory, name + ".onnx"),
                          opset_version=13, input_names=["x"], output_names=["logits"])


def ensure_ort(ort_dir):
    """Installs onnxruntime-node into ort_dir with npm when missing (the CUDA extras, which
    need nuget.org, are skipped); returns None when it is usable, else the reason it is not."""
    if os.path.isdir(os.path.join(ort_dir, "node_modules", "onnxruntime-node")):
        return None
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm not installed (Node.js 20 with its npm; Debian 12: apt-get install nodejs npm)"
    os.makedirs(ort_dir, exist_ok=True)
    env = dict(os.environ, ONNXRUNTIME_NODE_INSTALL_CUDA="skip")
    p = subprocess.run(["npm", "install", "--prefix", ort_dir, "--no-audit", "--no-fund",
                        "--loglevel=error", "onnxruntime-node"], env=env,
                       capture_output=True, text=True)
    if p.returncode != 0:
        return "npm install onnxruntime-node failed: " + p.stderr.strip().splitlines()[-1]
    return None


def run_ort(ort_dir, directory, threads, repeat):
    """Runs ONNX Runtime in a node child; returns (median s, min s, peak RSS MB, CPU s/pass)."""
    script = os.path.join(ort_dir, "bench-ort.js")
    with open(script, "w") as f:
        f.write(ORT_CHILD)
    out = subprocess.run(["node", script, str(threads), str(repeat)]
                         + [os.path.join(directory, n + ".onnx") for n in NAMES],
                         cwd=ort_dir, check=True, capture_output=True, text=True).stdout
    m = re.search(r"median ([0-9.]+) min ([0-9.]+) rss ([0-9.]+) cpu ([0-9.]+)", out)
    return float(m.group(1)), float(m.group(2)), float(m.group(3)), float(m.group(4))


def run_ours(binary, directory, threads, repeat, extra=()):
    """Runs our bench with extra options (default: the CPU's best kernels, fp32); returns
    (median s, min s, peak RSS MB, CPU s per pass, full output)."""
    env = dict(os.environ, LC_ALL="C", LANGUAGE="C", OPENBLAS_NUM_THREADS="1")
    extra = list(extra)
    out = subprocess.run([binary, "bench", "--models", directory, "--threads", str(threads),
                          "--repeat", str(repeat)] + extra, env=env, check=True,
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
    ap.add_argument("--rounds", type=int, default=3,
                    help="interleaved rounds of all four runs (the machine is noisy)")
    ap.add_argument("--ort-dir", default=None,
                    help="where onnxruntime-node is installed (default: BUILD/onnxruntime-node)")
    ap.add_argument("--make-checkpoints", metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.make_checkpoints:
        make_checkpoints(args.make_checkpoints)
        return

    if not os.path.exists(os.path.join(args.build, "build.ninja")):
        subprocess.run(["meson", "setup", args.build, "-Dbuildtype=release"], cwd=ROOT, check=True)
    subprocess.run(["meson", "compile", "-C", args.build, "damage-review"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    binary = os.path.join(args.build, "src", "damage-review")
    ort_dir = os.path.abspath(args.ort_dir or os.path.join(args.build, "onnxruntime-node"))
    ort_missing = ensure_ort(ort_dir)

    with open("/proc/cpuinfo") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    print("CPU: %s, %d online; threads %d, repeat %d, rounds %d; load average before: %.1f"
          % (cpu, os.cpu_count(), args.threads, args.repeat, args.rounds, os.getloadavg()[0]))
    if ort_missing:
        print("ONNX Runtime: not measured: " + ort_missing)

    cols = ["ours", "ours-nowino", "PyTorch", "ORT"]
    res = {c: [] for c in cols}
    with tempfile.TemporaryDirectory(prefix="dr-bench-") as d:
        # In a child: Linux keeps a process's peak RSS across fork and exec, so a parent that
        # had imported torch would pass its own peak on to every run measured below.
        subprocess.run(["/usr/bin/python3", os.path.abspath(__file__), "--make-checkpoints", d],
                       check=True, stderr=subprocess.DEVNULL)
        best = None
        for r in range(args.rounds):
            res["ours"].append(run_ours(binary, d, args.threads, args.repeat))
            best = best or re.search(r"GEMM kernels: (\S+)", res["ours"][-1][4]).group(1)
            res["PyTorch"].append(run_torch(d, args.threads, args.repeat))
            if best != "blas":
                res["ours-nowino"].append(run_ours(binary, d, args.threads, args.repeat,
                                                   ["--kernels", best + "-nowinograd"]))
            if not ort_missing:
                res["ORT"].append(run_ort(ort_dir, d, args.threads, args.repeat))
            print("round %d: " % (r + 1) + " | ".join(
                "%s median %.4f s (min %.4f, CPU %.3f s), peak RSS %.0f MB"
                % (c, res[c][-1][0], res[c][-1][1], res[c][-1][3], res[c][-1][2])
                for c in cols if res[c]))
        print("\nLast damage-review bench output:\n" + res["ours"][-1][4])
    print("Four-model pass, %d interleaved rounds, medians over rounds of each run's median "
          "of %d (s), all fp32:" % (args.rounds, args.repeat))
    print("| | ours (%s) | ours (%s, no Winograd) | PyTorch | ONNX Runtime | ours / best peer "
          "| ours without Winograd / best peer |" % (best, best))
    print("|---|---|---|---|---|---|---|")
    for label, i, fmt in (("median wall time", 0, "%.3f"), ("quietest run (min)", 1, "%.3f"),
                          ("CPU time per pass", 3, "%.3f"), ("peak RSS MB", 2, "%.0f")):
        agg = min if i == 1 else (max if i == 2 else statistics.median)
        v = {c: agg(x[i] for x in res[c]) if res[c] else None for c in cols}
        peers = [v[c] for c in ("PyTorch", "ORT") if v[c] is not None]
        ratios = " | ".join("%.2f" % (v[c] / min(peers)) if peers and i != 2 else "–"
                            for c in ("ours", "ours-nowino"))
        print("| %s | %s | %s |" % (label, " | ".join(
            fmt % v[c] if v[c] is not None else "not measured" for c in cols), ratios))
    print("Load average after: %.1f (other work on the machine slows every column)"
          % os.getloadavg()[0])


if __name__ == "__main__":
    main()
