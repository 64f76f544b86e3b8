// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One benchmark result of a JMH JSON file ({@code -rf json}): which benchmark with which parameters, its
 * score with JMH's error (99.9% confidence half-width), the median and range of the measurement
 * iterations, and the allocation per operation when the run used {@code -prof gc}.
 *
 * @param benchmark   class and method, without the package: {@code GemmBenchmark.gemm}
 * @param params      the {@code @Param} values, in JMH's order
 * @param score       JMH's score (the mean over iterations), in {@code unit}
 * @param error       JMH's error, NaN when JMH had too few iterations to give one
 * @param unit        e.g. {@code us/op}
 * @param iterations  every measurement iteration of every fork, in {@code unit}
 * @param allocBytes  {@code gc.alloc.rate.norm} in B/op, NaN without the gc profiler
 * @param iterationSeconds the length of a measurement iteration ({@code -r}), NaN if unknown
 * @param settings    how JMH ran it, e.g. "JMH 1.37, 1 fork, warm-up 1 × 300 ms, 3 × 300 ms measured, -Xmx1g"
 * @param percentiles sample-time percentiles in {@code unit} by percent (50.0, 99.0), empty for other modes
 */
public record JmhResult(String benchmark, Map<String, String> params, double score, double error, String unit,
                        double[] iterations, double allocBytes, double iterationSeconds, String settings,
                        Map<Double, Double> percentiles) {

    public JmhResult {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        iterations = iterations.clone();
        percentiles = Map.copyOf(percentiles);
    }

    /** A parameter's value, or throws naming the benchmark and what it has. */
    public String param(String name) {
        String v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException("benchmark " + benchmark + " has no parameter '" + name
                    + "' (has " + params.keySet() + ")");
        }
        return v;
    }

    /**
     * About how many operations one measurement iteration ran (at least 1): JMH's allocation per op includes
     * its own per-iteration allocations divided by this, so B/op means little when it is small.
     */
    public double opsPerIteration() {
        return Math.max(1, iterationSeconds * opsPerSecond());
    }

    /**
     * Operations per second: a throughput score as it is (every thread's together, for {@code @Threads}), a time
     * per operation inverted.
     */
    public double opsPerSecond() {
        return switch (unit) {
            case "ops/s" -> score;
            case "ops/ms" -> score * 1e3;
            case "ops/us" -> score * 1e6;
            case "ops/ns" -> score * 1e9;
            default -> 1e6 / micros();
        };
    }

    /** A sample-time percentile (50.0 for the median) in microseconds, NaN when JMH did not give it. */
    public double percentileMicros(double percent) {
        Double v = percentiles.get(percent);
        return v == null ? Double.NaN : toMicros(v);
    }

    /** The score converted to microseconds per operation. */
    public double micros() {
        return toMicros(score);
    }

    /** JMH's error in microseconds (NaN if JMH gave none). */
    public double errorMicros() {
        return toMicros(error);
    }

    /** The median, minimum and maximum of the measurement iterations, in microseconds. */
    public Spread spreadMicros() {
        double[] us = Arrays.stream(iterations).map(this::toMicros).toArray();
        return Spread.of(us);
    }

    @Override
    public double[] iterations() {
        return iterations.clone();
    }

    private double toMicros(double v) {
        return switch (unit) {
            case "ns/op" -> v / 1e3;
            case "us/op" -> v;
            case "ms/op" -> v * 1e3;
            case "s/op" -> v * 1e6;
            default -> throw new IllegalArgumentException("benchmark " + benchmark + ": unit '" + unit
                    + "' is not a time per operation (run JMH with -bm avgt)");
        };
    }

    /** Every result in a JMH JSON file. */
    public static List<JmhResult> read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(JsonParser.parseReader(r), file.toString());
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(file + ": not a JMH JSON result file: " + e.getMessage(), e);
        }
    }

    /** Every result of an already parsed JMH JSON document; {@code source} names it in messages. */
    static List<JmhResult> parse(JsonElement root, String source) {
        if (!root.isJsonArray()) {
            throw new IllegalArgumentException(source + ": a JMH JSON result file is an array of results");
        }
        List<JmhResult> out = new ArrayList<>();
        for (JsonElement e : root.getAsJsonArray()) {
            out.add(parseOne(e.getAsJsonObject(), source));
        }
        return out;
    }

    private static JmhResult parseOne(JsonObject o, String source) {
        if (!o.has("benchmark") || !o.has("primaryMetric")) {
            throw new IllegalArgumentException(source + ": a result without 'benchmark' or 'primaryMetric'");
        }
        String full = o.get("benchmark").getAsString();
        String[] parts = full.split("\\.");
        String name = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : full;
        Map<String, String> params = new LinkedHashMap<>();
        if (o.has("params")) {
            for (Map.Entry<String, JsonElement> p : o.getAsJsonObject("params").entrySet()) {
                params.put(p.getKey(), p.getValue().getAsString());
            }
        }
        JsonObject pm = o.getAsJsonObject("primaryMetric");
        double alloc = Double.NaN;
        if (o.has("secondaryMetrics")) {
            JsonObject sm = o.getAsJsonObject("secondaryMetrics");
            // JMH 1.37 names it "gc.alloc.rate.norm"; older versions prefix a middle dot
            for (String key : new String[] {"gc.alloc.rate.norm", "\u00b7gc.alloc.rate.norm"}) {
                if (sm.has(key)) {
                    alloc = number(sm.getAsJsonObject(key).get("score"));
                }
            }
        }
        return new JmhResult(name, params, number(pm.get("score")), number(pm.get("scoreError")),
                pm.get("scoreUnit").getAsString(), raw(pm), alloc,
                o.has("measurementTime") ? seconds(o.get("measurementTime").getAsString()) : Double.NaN, settings(o),
                percentiles(pm));
    }

    private static Map<Double, Double> percentiles(JsonObject metric) {
        Map<Double, Double> out = new LinkedHashMap<>();
        if (metric.has("scorePercentiles")) {
            for (Map.Entry<String, JsonElement> p : metric.getAsJsonObject("scorePercentiles").entrySet()) {
                out.put(Double.parseDouble(p.getKey()), number(p.getValue()));
            }
        }
        return out;
    }

    private static double[] raw(JsonObject metric) {
        List<Double> values = new ArrayList<>();
        if (metric.has("rawData")) {
            for (JsonElement fork : metric.getAsJsonArray("rawData")) {
                for (JsonElement v : (JsonArray) fork) {
                    values.add(number(v));
                }
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String settings(JsonObject o) {
        StringBuilder s = new StringBuilder("JMH ").append(text(o, "jmhVersion"));
        s.append(", ").append(text(o, "forks")).append(" fork(s), warm-up ").append(text(o, "warmupIterations"))
                .append(" × ").append(text(o, "warmupTime")).append(", ").append(text(o, "measurementIterations"))
                .append(" × ").append(text(o, "measurementTime")).append(" measured");
        if (o.has("jvmArgs")) {
            for (JsonElement a : o.getAsJsonArray("jvmArgs")) {
                s.append(' ').append(a.getAsString());
            }
        }
        return s.toString();
    }

    private static String text(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : "?";
    }

    /** JMH's "300 ms", "1 s", "10 us" as seconds; NaN for anything else. */
    static double seconds(String time) {
        String[] p = time.strip().split("\\s+");
        if (p.length != 2) {
            return Double.NaN;
        }
        double v;
        try {
            v = Double.parseDouble(p[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
        return switch (p[1]) {
            case "ns" -> v / 1e9;
            case "us" -> v / 1e6;
            case "ms" -> v / 1e3;
            case "s" -> v;
            case "min" -> v * 60;
            default -> Double.NaN;
        };
    }

    /** JMH writes "NaN" as a string when it has no value. */
    private static double number(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return Double.NaN;
        }
        if (e.getAsJsonPrimitive().isString()) {
            String s = e.getAsString();
            return s.equals("NaN") ? Double.NaN : Double.parseDouble(s);
        }
        return e.getAsDouble();
    }
}
