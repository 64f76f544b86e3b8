#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""PyTorch CPU inference on the benchmark networks A, B and C, as PredictBenchmark measures Gradus.

The networks are built as ../shared/bench/torch_mlp.py builds them (random weights: speed does not depend on
them), in eval mode under torch.inference_mode(); each call is the forward pass plus a softmax, as a Gradus
Predictor returns probabilities. Inputs are random pixels in [0, 1).

  batch 1:      every call timed on its own (perf_counter_ns) for --seconds: p50/p99 latency
  every batch:  calls in a loop for --seconds, --trials times: samples/s per trial and their median

Prints one line per measurement, "INFER {json}" (kind "latency" or "throughput"); run with the OpenMP build of
OpenBLAS, as ../shared/bench/README.md says:

  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 benchmarks/torch_infer.py --threads 1
"""
import argparse, json, math, os, statistics, time
import torch
import torch.nn as nn


def make_net(kind):
    if kind == "A":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    if kind == "B":
        return nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))
    if kind == "C":   # LeNet-5 (ReLU, max pooling)
        return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    raise SystemExit(f"torch_infer.py: unknown network '{kind}' (known: A, B, C)")


def percentile(sorted_values, p):
    """The nearest-rank percentile of an ascending list (JMH reports its sample-time percentiles alike)."""
    return sorted_values[max(1, math.ceil(p / 100 * len(sorted_values))) - 1]


def latency(call, seconds):
    """Per-call times in µs over about `seconds`."""
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter_ns()
        call()
        times.append((time.perf_counter_ns() - t0) / 1e3)
    return times


def throughput(call, seconds):
    """Calls per second of a loop over about `seconds`, and the calls made."""
    calls = 0
    t0 = time.perf_counter()
    end = t0 + seconds
    while True:
        call()
        calls += 1
        now = time.perf_counter()
        if now >= end:
            return calls / (now - t0), calls


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nets", default="A,B,C")
    ap.add_argument("--batches", default="1,32,256")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    ap.add_argument("--seconds", type=float, default=1.0, help="length of one measurement")
    ap.add_argument("--warmup", type=float, default=0.5, help="seconds of calls before each measurement")
    ap.add_argument("--trials", type=int, default=3, help="throughput measurements per batch")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    common = {"torch": torch.__version__, "threads": torch.get_num_threads(),
              "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")}}
    for net in args.nets.split(","):
        torch.manual_seed(1)
        model = make_net(net).eval()
        for batch in (int(b) for b in args.batches.split(",")):
            shape = (batch, 784) if net in ("A", "B") else (batch, 1, 28, 28)
            x = torch.rand(shape)

            def call():
                return torch.softmax(model(x), dim=1)

            with torch.inference_mode():
                throughput(call, args.warmup)
                if batch == 1:
                    times = sorted(latency(call, args.seconds))
                    emit({"net": net, "batch": batch, "kind": "latency", "p50_us": percentile(times, 50),
                          "p99_us": percentile(times, 99), "mean_us": statistics.fmean(times), "calls": len(times)},
                         common)
                trials = [throughput(call, args.seconds) for _ in range(args.trials)]
            sps = [rate * batch for rate, _ in trials]
            emit({"net": net, "batch": batch, "kind": "throughput", "samples_per_s": statistics.median(sps),
                  "trials": sps, "calls": sum(c for _, c in trials)}, common)


def emit(measurement, common):
    line = dict(measurement, **common)
    line["loadavg"] = open("/proc/loadavg").read().strip()
    print("INFER " + json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
