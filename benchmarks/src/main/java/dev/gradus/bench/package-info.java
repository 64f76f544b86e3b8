// SPDX-License-Identifier: Apache-2.0
/**
 * The JMH suite ({@link dev.gradus.bench.GemmBenchmark}, {@link dev.gradus.bench.KernelBenchmark},
 * {@link dev.gradus.bench.TrainStepBenchmark}, {@link dev.gradus.bench.PredictBenchmark},
 * {@link dev.gradus.bench.OnnxRuntimeBenchmark}) and the whole-epoch runner
 * ({@link dev.gradus.bench.EpochThroughput}). {@code benchmarks/run.sh} runs them and turns the results
 * into a report with {@code dev.gradus.report.ReportMain}.
 */
package dev.gradus.bench;
