#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Measures Gradus and writes benchmarks/report/REPORT.md with SVG charts. See benchmarks/README.md.
#
#   benchmarks/run.sh --quick     a subset of shapes and kernels, short iterations, whole epochs: ~9 minutes on 2 cores
#   benchmarks/run.sh --full      every shape, kernel and size, longer iterations: about an hour on 2 cores
#
# OpenBLAS obeys OPENBLAS_CORETYPE (ours and PyTorch's alike); the report names the kernel that ran and warns when
# it is below the CPU's best. To measure the CPU's best: env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE benchmarks/run.sh
#
# Options: --threads N (default 2), --no-torch (skip the PyTorch baseline), --out DIR (default benchmarks/report),
#          --skip-build (reuse benchmarks/target/benchmarks.jar).
set -euo pipefail

MODE=""
THREADS=2
TORCH=auto
OUT=benchmarks/report
BUILD=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MODE=quick ;;
    --full) MODE=full ;;
    --threads) THREADS="$2"; shift ;;
    --no-torch) TORCH=no ;;
    --out) OUT="$2"; shift ;;
    --skip-build) BUILD=no ;;
    -h|--help) sed -n '3,12p' "$0" | cut -c3-; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$MODE" ]; then
  echo "run.sh: say --quick or --full (try --help)" >&2
  exit 2
fi

cd "$(dirname "$0")/.."                      # the repository root
ROOT=$(pwd)
# the shared folder (PyTorch script, MNIST) sits beside the checkout, or beside its parent for a git worktree
SHARED=${GRADUS_SHARED:-}
if [ -z "$SHARED" ]; then
  for d in "$ROOT/../shared" "$ROOT/../../shared"; do
    if [ -d "$d/data/mnist" ]; then SHARED=$(cd "$d" && pwd); break; fi
  done
fi
if [ -z "$SHARED" ] || [ ! -d "$SHARED/data/mnist" ]; then
  echo "run.sh: no shared/data/mnist beside the checkout; set GRADUS_SHARED=DIR" >&2
  exit 2
fi
RAW="$OUT/raw"        # what the report reads, committed: compact (see benchmarks/README.md)
LOGS="$OUT/logs"      # JMH's and the runners' full output, for reading by hand; not committed
mkdir -p "$RAW" "$LOGS"
rm -f "$RAW"/*.json "$RAW"/*.txt "$LOGS"/*
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$COMMIT" != unknown ] && ! git diff --quiet HEAD -- src native cmake pom.xml benchmarks/src 2>/dev/null; then
  COMMIT="$COMMIT-dirty"
fi
START=$(date +%s)
say() { echo "== [$(( $(date +%s) - START ))s] $*"; }
LOAD=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
CORES=$(nproc 2>/dev/null || echo 1)
if awk -v l="$LOAD" -v c="$CORES" 'BEGIN { exit !(l > c) }'; then
  say "warning: load average $LOAD on $CORES cores; multi-threaded BLAS figures will be far too low (try --threads 1)"
fi
if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
  say "note: OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE holds OpenBLAS (ours and PyTorch's) to that kernel; the report says so" \
      "(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE benchmarks/run.sh measures the CPU's best)"
fi

if [ "$BUILD" = yes ]; then
  say "building the library and the benchmarks"
  mvn -B -q package -DskipTests
fi
JAR=benchmarks/target/benchmarks.jar

if [ "$MODE" = quick ]; then
  JMH_RUN=(-f 1 -wi 1 -w 300ms -i 3 -r 300ms)
  GEMM_FAST='A.1.fwd:32x128x784:NT,A.1.dW:128x784x32:TN,A.2.fwd:32x10x128:NT,B.1.fwd:256x1024x784:NT,B.2.fwd:256x1024x1024:NT,B.2.dinp:256x1024x1024:NN,B.2.dW:1024x1024x256:TN,sq:256x256x256:NN,sq:1024x1024x1024:NN'
  GEMM_JAVA='A.1.fwd:32x128x784:NT,A.1.dW:128x784x32:TN,A.2.fwd:32x10x128:NT,B.3.fwd:256x10x1024:NT,sq:256x256x256:NN'
  KERNELS='relu_forward,relu_backward,gelu_forward,cross_entropy_backward,sgd_update,adam_update'
  SIZES='262144,16777216'
  STEP=(-f 1 -wi 1 -w 1s -i 3 -r 2s -p threads="$THREADS")   # 2 s: B's ~160 ops amortize JMH's own allocation
  STEP_JAVA_B=(-f 1 -wi 0 -i 1 -r 1ms -p threads="$THREADS")   # one ~15 s step: no error bar, no warm-up
  CONV=(-f 1 -wi 1 -w 300ms -i 3 -r 300ms -p threads="$THREADS" -p backend=native)
  PROFILE=(--steps-a 600 --steps-b 20 --rounds 3)
  # whole epochs for Gradus and PyTorch alike; D (~35 s an epoch) with one trial
  EPOCH_NATIVE=(--trials 5)
  EPOCH_NATIVE_D=(--trials 1)
  EPOCH_JAVA_A=(--trials 3 --warmup-steps 5 --max-steps 20 --test-samples 0)
  EPOCH_JAVA_B=()                                               # skipped: ~15 s per step
  TORCH_ARGS=(--trials 5)
  TORCH_ARGS_D=(--trials 1)
  # inference, ~80 s: one fork per network × batch; the two-caller scaling at batch 1 only
  INFER=(-f 1 -wi 1 -w 300ms -i 3 -r 300ms)
  SCALING_BATCHES=1
  TORCH_INFER_ARGS=(--seconds 0.3 --warmup 0.2 --trials 3)
else
  JMH_RUN=(-f 1 -wi 2 -w 1s -i 5 -r 1s)
  GEMM_FAST=''        # every shape of GemmBenchmark
  # the Java reference only on products of at most ~0.6 GFLOP (every network shape, squares up to 512)
  GEMM_JAVA='A.1.fwd:32x128x784:NT,A.1.dinp:32x784x128:NN,A.1.dW:128x784x32:TN,A.2.fwd:32x10x128:NT,A.2.dinp:32x128x10:NN,A.2.dW:10x128x32:TN,B.1.fwd:256x1024x784:NT,B.1.dinp:256x784x1024:NN,B.1.dW:1024x784x256:TN,B.2.fwd:256x1024x1024:NT,B.2.dinp:256x1024x1024:NN,B.2.dW:1024x1024x256:TN,B.3.fwd:256x10x1024:NT,B.3.dinp:256x1024x10:NN,B.3.dW:10x1024x256:TN,sq:64x64x64:NN,sq:128x128x128:NN,sq:256x256x256:NN,sq:512x512x512:NN'
  KERNELS=''          # every kernel of KernelBenchmark
  SIZES='4096,262144,16777216'
  STEP=(-f 1 -wi 3 -w 1s -i 5 -r 2s -p threads="$THREADS")
  STEP_JAVA_B=(-f 1 -wi 1 -w 1ms -i 3 -r 1ms -p threads="$THREADS")
  CONV=(-f 1 -wi 2 -w 1s -i 5 -r 1s -p threads="$THREADS")   # native and the Java reference
  PROFILE=(--steps-a 4000 --steps-b 80 --rounds 3)
  EPOCH_NATIVE=(--trials 5)
  EPOCH_NATIVE_D=(--trials 3)
  EPOCH_JAVA_A=(--trials 3 --warmup-steps 20 --max-steps 200 --test-samples 1000)
  EPOCH_JAVA_B=(--trials 3 --warmup-steps 2 --max-steps 5 --test-samples 0)
  TORCH_ARGS=(--trials 5)
  TORCH_ARGS_D=(--trials 3)
  INFER=(-f 1 -wi 2 -w 1s -i 5 -r 1s)
  SCALING_BATCHES=1,32,256
  TORCH_INFER_ARGS=(--seconds 1 --warmup 0.5 --trials 5)
fi

JMH=("${JMH_RUN[@]}" -p threads="$THREADS")
VECTOR=(--add-modules jdk.incubator.vector)

say "FMA peak: the yardstick of the report's \"% of the limit\""
java "${VECTOR[@]}" -cp "$JAR" -Dgradus.commit="$COMMIT" dev.gradus.bench.FmaPeak --threads "$THREADS" \
  2> "$LOGS/fma-peak.log" | tee "$LOGS/fma-peak.out" | grep -E '^(FMA_PEAK|MACHINE) ' > "$RAW/fma-peak.txt"

say "JMH: GEMM, native and direct cblas_sgemm"
java -jar "$JAR" 'GemmBenchmark' "${JMH[@]}" -p backend=native,direct ${GEMM_FAST:+-p shape=$GEMM_FAST} \
  -rf json -rff "$RAW/gemm-native.json" > "$LOGS/gemm-native.log"
GEMM_1T=()
if [ "$THREADS" != 1 ]; then
  say "JMH: GEMM on 1 thread, native and direct: the wrapper's own cost"
  java -jar "$JAR" 'GemmBenchmark' "${JMH_RUN[@]}" -p threads=1 -p backend=native,direct ${GEMM_FAST:+-p shape=$GEMM_FAST} \
    -rf json -rff "$RAW/gemm-native-1t.json" > "$LOGS/gemm-native-1t.log"
  GEMM_1T=(--jmh "$RAW/gemm-native-1t.json")
fi
say "JMH: GEMM, Java reference (shapes up to ~0.6 GFLOP)"
java -jar "$JAR" 'GemmBenchmark' "${JMH[@]}" -p backend=java -p shape="$GEMM_JAVA" \
  -rf json -rff "$RAW/gemm-java.json" > "$LOGS/gemm-java.log"
say "JMH: elementwise kernels"
java -jar "$JAR" 'KernelBenchmark' "${JMH[@]}" -p size="$SIZES" ${KERNELS:+-p kernel=$KERNELS} \
  -rf json -rff "$RAW/kernels.json" > "$LOGS/kernels.log"
say "JMH: training step with the gc profiler"
java -jar "$JAR" 'TrainStepBenchmark' "${STEP[@]}" -p net=A,B -p backend=native -prof gc \
  -rf json -rff "$RAW/trainstep.json" > "$LOGS/trainstep.log"
java -jar "$JAR" 'TrainStepBenchmark' "${STEP[@]}" -p net=A -p backend=java -prof gc \
  -rf json -rff "$RAW/trainstep-java-a.json" > "$LOGS/trainstep-java-a.log"
say "JMH: training step of B on the Java reference (slow: few iterations)"
java -jar "$JAR" 'TrainStepBenchmark' "${STEP_JAVA_B[@]}" -p net=B -p backend=java -prof gc \
  -rf json -rff "$RAW/trainstep-java-b.json" > "$LOGS/trainstep-java-b.log"

say "JMH: convolution products and pooling of C and D"
java -jar "$JAR" 'ConvBenchmark' "${CONV[@]}" -rf json -rff "$RAW/conv.json" > "$LOGS/conv.log"

# Inference runs one thread per caller whatever --threads says (a pool of 1, PyTorch on 1 thread): a server scales
# by callers, each with its own Predictor, and the two-caller run shows what the second core adds
say "JMH: inference through Predictor (A, B, C; latency at batch 1, throughput at 1, 32, 256, two callers)"
java -jar "$JAR" '\.PredictBenchmark\.latency$' "${INFER[@]}" -p threads=1 -p batch=1 -prof gc \
  -rf json -rff "$RAW/predict-latency.json" > "$LOGS/predict-latency.log"
java -jar "$JAR" '\.PredictBenchmark\.throughput$' "${INFER[@]}" -p threads=1 -prof gc \
  -rf json -rff "$RAW/predict.json" > "$LOGS/predict.log"
java -jar "$JAR" '\.PredictBenchmark\.twoCallers$' "${INFER[@]}" -p threads=1 -p batch="$SCALING_BATCHES" -prof gc \
  -rf json -rff "$RAW/predict-scaling.json" > "$LOGS/predict-scaling.log"
say "JMH: ONNX Runtime on the exported models, as PredictBenchmark"
java -jar "$JAR" '\.OnnxRuntimeBenchmark\.latency$' "${INFER[@]}" -p threads=1 -p batch=1 -prof gc \
  -rf json -rff "$RAW/onnx-latency.json" > "$LOGS/onnx-latency.log"
java -jar "$JAR" '\.OnnxRuntimeBenchmark\.throughput$' "${INFER[@]}" -p threads=1 -prof gc \
  -rf json -rff "$RAW/onnx.json" > "$LOGS/onnx.log"

# JMH's JSON spends ~100 lines per result on percentiles the report never reads: keep what it reads
java -cp "$JAR" dev.gradus.report.JmhCompact "$RAW"/*.json

say "step profile: where a training step's time goes (A, B, C, D, native)"
java -cp "$JAR" -Dgradus.commit="$COMMIT" dev.gradus.bench.StepProfile --nets A,B,C,D --threads "$THREADS" \
  "${PROFILE[@]}" | tee "$LOGS/profile.log" | grep -E '^(PROFILE|MACHINE) ' > "$RAW/profile.txt"

epochs() {   # epochs NET BACKEND ARGS...: appends RESULT/MACHINE lines to raw/epochs.txt (each RESULT holds its trials)
  local net=$1 backend=$2
  shift 2
  say "epoch runner: network $net, $backend backend"
  java -Xmx4g -cp "$JAR" dev.gradus.bench.EpochThroughput --nets "$net" --backends "$backend" --threads "$THREADS" \
    --commit "$COMMIT" --data "$SHARED/data/mnist" "$@" | tee -a "$LOGS/epochs.log" \
    | grep -E '^(RESULT|MACHINE) ' >> "$RAW/epochs.txt"
}
: > "$RAW/epochs.txt"
epochs A native "${EPOCH_NATIVE[@]}"
epochs B native "${EPOCH_NATIVE[@]}"
epochs C native "${EPOCH_NATIVE[@]}"
epochs D native "${EPOCH_NATIVE_D[@]}"
epochs A java "${EPOCH_JAVA_A[@]}"
if [ ${#EPOCH_JAVA_B[@]} -gt 0 ]; then
  epochs B java "${EPOCH_JAVA_B[@]}"
else
  say "epoch runner: network B on the Java reference skipped in quick mode (~15 s per step; see TrainStepBenchmark)"
fi

TORCH_FILES=()
if [ "$TORCH" = auto ] && LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  : > "$RAW/torch.txt"
  torch() {   # torch NET ARGS...
    local net=$1
    shift
    say "PyTorch baseline: network $net (OpenMP OpenBLAS, $THREADS threads)"
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp MNIST_DIR="$SHARED/data/mnist" \
      /usr/bin/python3 "$SHARED/bench/torch_mlp.py" "$net" --threads "$THREADS" "$@" | tee -a "$LOGS/torch.log" \
      | grep -E '^RESULT ' >> "$RAW/torch.txt"
  }
  torch A "${TORCH_ARGS[@]}"
  torch B "${TORCH_ARGS[@]}"
  torch C "${TORCH_ARGS[@]}"
  torch D "${TORCH_ARGS_D[@]}"
  TORCH_FILES=(--torch "$RAW/torch.txt")
  say "PyTorch inference: A, B, C (OpenMP OpenBLAS, 1 thread, as Gradus's callers)"
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 benchmarks/torch_infer.py --threads 1 \
    "${TORCH_INFER_ARGS[@]}" | tee "$LOGS/torch-infer.log" | grep -E '^INFER ' > "$RAW/torch-infer.txt"
  TORCH_FILES+=(--torch-infer "$RAW/torch-infer.txt")
elif [ "$TORCH" = auto ]; then
  say "PyTorch baseline skipped: /usr/bin/python3 cannot import torch"
fi

say "writing the report"
java -cp "$JAR" dev.gradus.report.ReportMain --out "$OUT" \
  --jmh "$RAW/gemm-native.json" "${GEMM_1T[@]}" --jmh "$RAW/gemm-java.json" --jmh "$RAW/kernels.json" --jmh "$RAW/trainstep.json" \
  --jmh "$RAW/trainstep-java-a.json" --jmh "$RAW/trainstep-java-b.json" --jmh "$RAW/conv.json" \
  --jmh "$RAW/predict-latency.json" --jmh "$RAW/predict.json" --jmh "$RAW/predict-scaling.json" \
  --jmh "$RAW/onnx-latency.json" --jmh "$RAW/onnx.json" \
  --results "$RAW/epochs.txt" "${TORCH_FILES[@]}" --profile "$RAW/profile.txt" --fma-peak "$RAW/fma-peak.txt" \
  --commit "$COMMIT" \
  --command "benchmarks/run.sh --$MODE --threads $THREADS (took $(( $(date +%s) - START )) s)"
say "done: $OUT/REPORT.md"
