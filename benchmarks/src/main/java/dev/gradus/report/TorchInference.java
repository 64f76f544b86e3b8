// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One PyTorch inference measurement: an {@code INFER {...}} line of {@code benchmarks/torch_infer.py}, either the
 * latency of single calls at one batch size or the throughput of a loop of calls.
 *
 * @param net      "A", "B" or "C"
 * @param batch    samples per call
 * @param latency  true for a latency line (p50/p99 set), false for a throughput line (samples/s set)
 * @param p50      median call time in µs, NaN for throughput
 * @param p99      99th percentile call time in µs, NaN for throughput
 * @param perTrial samples/s of each throughput trial, empty for latency
 * @param threads  {@code torch.get_num_threads()}
 * @param version  the PyTorch version
 */
public record TorchInference(String net, int batch, boolean latency, double p50, double p99, double[] perTrial,
                             int threads, String version) {

    public TorchInference {
        perTrial = perTrial.clone();
    }

    @Override
    public double[] perTrial() {
        return perTrial.clone();
    }

    /** Median samples/s with its range over the trials (count 0 for a latency line). */
    public Spread samplesPerSecond() {
        return Spread.of(perTrial);
    }

    /** Every {@code INFER {...}} line of a text file; other lines are ignored. */
    public static List<TorchInference> read(Path file) throws IOException {
        return TaggedLines.read(file, "INFER", TorchInference::parse);
    }

    /** One INFER object; {@code where} names it in messages. */
    static TorchInference parse(String json, String where) {
        JsonObject o;
        try {
            o = JsonParser.parseString(json).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(where + ": INFER is not a JSON object: " + e.getMessage(), e);
        }
        String kind = require(o, "kind", where).getAsString();
        boolean latency = kind.equals("latency");
        if (!latency && !kind.equals("throughput")) {
            throw new IllegalArgumentException(where + ": INFER kind '" + kind + "' is neither latency nor throughput");
        }
        double[] trials = new double[0];
        if (!latency) {
            trials = require(o, "trials", where).getAsJsonArray().asList().stream()
                    .mapToDouble(JsonElement::getAsDouble).toArray();
            if (trials.length == 0) {
                throw new IllegalArgumentException(where + ": INFER throughput has no trials");
            }
        }
        return new TorchInference(require(o, "net", where).getAsString(), require(o, "batch", where).getAsInt(), latency,
                latency ? require(o, "p50_us", where).getAsDouble() : Double.NaN,
                latency ? require(o, "p99_us", where).getAsDouble() : Double.NaN, trials,
                o.has("threads") ? o.get("threads").getAsInt() : 0, o.has("torch") ? o.get("torch").getAsString() : "?");
    }

    private static JsonElement require(JsonObject o, String key, String where) {
        if (!o.has(key)) {
            throw new IllegalArgumentException(where + ": INFER has no '" + key + "'");
        }
        return o.get(key);
    }
}
