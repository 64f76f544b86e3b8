// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole-epoch training throughput of one network on one backend: a {@code RESULT {...}} line printed by
 * {@code dev.gradus.bench.EpochThroughput} or by {@code ../shared/bench/torch_mlp.py} (then the backend
 * is "pytorch").
 *
 * @param net       "A", "B", "C" or "D"
 * @param backend   "native", "java" or "pytorch"
 * @param version   the Gradus or PyTorch version that ran
 * @param threads   the thread count it ran with
 * @param batch     samples per step
 * @param perTrial  samples/s of each trial
 * @param steps     steps per trial (of the first trial)
 * @param partial   true when trials stopped early (--max-steps), so not a full epoch
 * @param testAcc   median test accuracy after the trials, NaN if not given
 * @param offHeapGrowth the largest growth of off-heap memory within a trial, in bytes (Gradus only; NaN if not
 *                  given): what the training steps after the first one allocated and kept
 * @param blasCoretype {@code OPENBLAS_CORETYPE} as torch_mlp.py saw it (its {@code env}), null when unset or
 *                  not recorded: PyTorch's OpenBLAS obeys it as ours does
 */
public record EpochResult(String net, String backend, String version, int threads, int batch, double[] perTrial,
                          int steps, boolean partial, double testAcc, double offHeapGrowth, String blasCoretype) {

    public EpochResult {
        perTrial = perTrial.clone();
    }

    @Override
    public double[] perTrial() {
        return perTrial.clone();
    }

    /** Median samples/s with its range over the trials. */
    public Spread samplesPerSecond() {
        return Spread.of(perTrial);
    }

    /** Every {@code RESULT {...}} line of a text file; other lines are ignored. */
    public static List<EpochResult> read(Path file) throws IOException {
        return TaggedLines.read(file, "RESULT", EpochResult::parse);
    }

    /** One RESULT object; {@code where} names it in messages. */
    static EpochResult parse(String json, String where) {
        JsonObject o;
        try {
            o = JsonParser.parseString(json).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(where + ": RESULT is not a JSON object: " + e.getMessage(), e);
        }
        for (String key : new String[] {"net", "trials", "batch"}) {
            if (!o.has(key)) {
                throw new IllegalArgumentException(where + ": RESULT has no '" + key + "'");
            }
        }
        boolean torch = o.has("torch");
        String backend = torch ? "pytorch" : string(o, "backend", "?");
        String version = torch ? o.get("torch").getAsString() : string(o, "gradus", "?");
        List<Double> sps = new ArrayList<>();
        int steps = 0;
        int samples = 0;
        double growth = Double.NaN;
        for (JsonElement t : o.getAsJsonArray("trials")) {
            JsonObject trial = t.getAsJsonObject();
            sps.add(trial.get("samples_per_s").getAsDouble());
            if (trial.has("offheap_growth_bytes")) {
                double g = trial.get("offheap_growth_bytes").getAsDouble();
                growth = Double.isNaN(growth) ? g : Math.max(growth, g);
            }
            if (steps == 0) {
                steps = trial.get("steps").getAsInt();
                samples = trial.get("samples").getAsInt();
            }
        }
        if (sps.isEmpty()) {
            throw new IllegalArgumentException(where + ": RESULT has no trials");
        }
        // torch_mlp.py has no 'partial' field: a trial is partial when it saw fewer samples than an epoch
        int epoch = o.has("epoch_samples") ? o.get("epoch_samples").getAsInt() : 60000;
        boolean partial = samples < epoch;
        double acc = o.has("test_acc_median") ? o.get("test_acc_median").getAsDouble() : Double.NaN;
        String coretype = null;
        if (o.has("env") && o.get("env").isJsonObject() && o.getAsJsonObject("env").has("OPENBLAS_CORETYPE")
                && !o.getAsJsonObject("env").get("OPENBLAS_CORETYPE").isJsonNull()) {
            coretype = o.getAsJsonObject("env").get("OPENBLAS_CORETYPE").getAsString();
        }
        return new EpochResult(o.get("net").getAsString(), backend, version,
                o.has("threads") ? o.get("threads").getAsInt() : 0, o.get("batch").getAsInt(),
                sps.stream().mapToDouble(Double::doubleValue).toArray(), steps, partial, acc, growth, coretype);
    }

    private static String string(JsonObject o, String key, String otherwise) {
        return o.has(key) ? o.get(key).getAsString() : otherwise;
    }
}
