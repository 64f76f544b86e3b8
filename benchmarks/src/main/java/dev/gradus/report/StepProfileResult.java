// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One {@code PROFILE {...}} line of {@code dev.gradus.bench.StepProfile}: where a training step's time went.
 *
 * @param net          "A", "B", "C" or "D"
 * @param batch        samples per step
 * @param threads      the thread budget
 * @param steps        measured steps
 * @param rounds       rounds run (the median one is kept)
 * @param stepUs       µs per step with the timing decorator
 * @param plainStepUs  µs per step without it (the profiler's own cost is the difference)
 * @param gemmGflops   all GEMMs' flops over their time
 * @param loadavgBefore load average when the round started
 * @param categories   µs per step by category (GEMM, activations, loss, optimizer, zero grads, Java overhead)
 * @param calls        µs per step of each kind of call
 * @param cpu          the CPU it ran on
 * @param blasCore     the OpenBLAS kernel that ran
 * @param date         when, UTC
 */
public record StepProfileResult(String net, int batch, int threads, int steps, int rounds, double stepUs,
                                double plainStepUs, double gemmGflops, String loadavgBefore,
                                Map<String, Double> categories, List<Call> calls, String cpu, String blasCore,
                                String date) {

    /** One kind of call: label, category, calls per step, µs per step, share of the step, GFLOP/s (GEMMs, else 0). */
    public record Call(String label, String category, double callsPerStep, double us, double share, double gflops) { }

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();

    /** Parses one PROFILE line's JSON. */
    static StepProfileResult parse(String json, String where) {
        try {
            StepProfileResult r = GSON.fromJson(json, StepProfileResult.class);
            if (r == null || r.net() == null || r.calls() == null || r.categories() == null) {
                throw new IllegalArgumentException(where + ": PROFILE needs 'net', 'calls' and 'categories'");
            }
            return r;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + ": PROFILE is not a JSON object: " + e.getMessage(), e);
        }
    }

    /** Every {@code PROFILE {...}} line of a text file. */
    public static List<StepProfileResult> read(Path file) throws IOException {
        return TaggedLines.read(file, "PROFILE", StepProfileResult::parse);
    }
}
