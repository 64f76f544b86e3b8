// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One {@code FMA_PEAK {...}} line of {@code dev.gradus.bench.FmaPeak}: the CPU's measured FP32 FMA peak at one
 * thread count.
 *
 * @param threads      threads that ran the chains at once
 * @param gflops       the best run's GFLOP/s
 * @param vectorBits   the vector width (the Vector API's preferred species)
 * @param lanes        floats per vector
 * @param accumulators independent FMA chains per thread
 * @param runs         runs, of which the best is kept
 * @param cpu          the CPU it ran on
 * @param date         when, UTC
 * @param loadavg      the load average after the runs
 */
public record FmaPeakResult(int threads, double gflops, int vectorBits, int lanes, int accumulators, int runs,
                            String cpu, String date, String loadavg) {

    private static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES).create();

    /** Parses one FMA_PEAK line's JSON; {@code where} names it in messages. */
    static FmaPeakResult parse(String json, String where) {
        try {
            FmaPeakResult r = GSON.fromJson(json, FmaPeakResult.class);
            if (r == null || r.threads() <= 0 || !(r.gflops() > 0)) {
                throw new IllegalArgumentException(where + ": FMA_PEAK needs 'threads' and 'gflops' above 0");
            }
            return r;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + ": FMA_PEAK is not a JSON object: " + e.getMessage(), e);
        }
    }

    /** Every {@code FMA_PEAK {...}} line of a text file. */
    public static List<FmaPeakResult> read(Path file) throws IOException {
        return TaggedLines.read(file, "FMA_PEAK", FmaPeakResult::parse);
    }
}
