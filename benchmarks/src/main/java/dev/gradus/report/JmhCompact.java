// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Rewrites JMH JSON result files ({@code -rf json}) in place, keeping only what {@link JmhResult} reads: the
 * benchmark, its parameters, the run settings, the primary metric's score, error, unit and raw iterations (for
 * sample time, p50 and p99 instead of the histogram), and {@code gc.alloc.rate.norm}'s score; one result per line. JMH's own file spends ~100 lines per result on
 * percentiles and histograms that the report never shows. The output is still a JMH-shaped JSON array.
 *
 * <pre>
 *   java -cp benchmarks/target/benchmarks.jar dev.gradus.report.JmhCompact FILE.json...
 * </pre>
 */
public final class JmhCompact {
    private static final List<String> RUN_FIELDS = List.of("benchmark", "jmhVersion", "forks", "threads", "jvmArgs",
            "warmupIterations", "warmupTime", "measurementIterations", "measurementTime", "params");
    private static final List<String> METRIC_FIELDS = List.of("score", "scoreError", "scoreUnit", "rawData");
    /** The sample-time percentiles the report shows (p50, p99); JMH writes ten. */
    private static final List<String> PERCENTILES = List.of("50.0", "99.0");
    private static final List<String> ALLOC = List.of("gc.alloc.rate.norm", "\u00b7gc.alloc.rate.norm");

    private JmhCompact() {}

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("JmhCompact: give one or more JMH JSON files to rewrite");
        }
        for (String a : args) {
            Path file = Path.of(a);
            Files.writeString(file, compact(file), StandardCharsets.UTF_8);
        }
    }

    /** The compact text of one JMH JSON file. */
    static String compact(Path file) throws IOException {
        JsonElement root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(r);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ": not a JMH JSON result file: " + e.getMessage(), e);
        }
        if (!root.isJsonArray()) {
            throw new IllegalArgumentException(file + ": a JMH JSON result file is an array of results");
        }
        Gson gson = new Gson();
        StringBuilder out = new StringBuilder("[\n");
        JsonArray results = root.getAsJsonArray();
        for (int i = 0; i < results.size(); i++) {
            out.append(gson.toJson(compactOne(results.get(i).getAsJsonObject())))
                    .append(i + 1 < results.size() ? ",\n" : "\n");
        }
        return out.append("]\n").toString();
    }

    private static JsonObject compactOne(JsonObject o) {
        JsonObject c = new JsonObject();
        copy(o, c, RUN_FIELDS);
        if (o.has("primaryMetric")) {
            JsonObject pm = new JsonObject();
            JsonObject from = o.getAsJsonObject("primaryMetric");
            copy(from, pm, METRIC_FIELDS);
            if (from.has("scorePercentiles") && from.has("rawDataHistogram")) {   // sample time only
                JsonObject kept = new JsonObject();
                copy(from.getAsJsonObject("scorePercentiles"), kept, PERCENTILES);
                pm.add("scorePercentiles", kept);
            }
            c.add("primaryMetric", pm);
        }
        if (o.has("secondaryMetrics")) {
            JsonObject sm = o.getAsJsonObject("secondaryMetrics");
            JsonObject kept = new JsonObject();
            for (String key : ALLOC) {
                if (sm.has(key)) {
                    JsonObject alloc = new JsonObject();
                    alloc.add("score", sm.getAsJsonObject(key).get("score"));
                    kept.add(key, alloc);
                }
            }
            if (kept.size() > 0) {
                c.add("secondaryMetrics", kept);
            }
        }
        return c;
    }

    private static void copy(JsonObject from, JsonObject to, List<String> fields) {
        for (String f : fields) {
            if (from.has(f)) {
                to.add(f, from.get(f));
            }
        }
    }
}
