// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cases;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gradus.Loss;
import dev.gradus.io.Architecture;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Shape;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code gradus-case/1} or {@code gradus-case/2} file, parsed; malformed content throws
 * IllegalArgumentException naming the field. Format 2 adds N-D inputs and parameters, batchnorm
 * buffers (before and after training) and the eval-mode output after training.
 */
record ReferenceCase(String name, Shape input, List<LayerSpec> layers, Loss loss, Array x, Array target, int[] labels,
                     Map<String, Array> params, Map<String, Array> buffers, Array output, double lossValue,
                     Map<String, Array> grads, JsonObject optimizer, int steps, double[] losses,
                     Map<String, Array> paramsAfter, Map<String, Array> buffersAfter, Array evalOutput,
                     double rtol, double atol) {

    static final Set<String> FORMATS = Set.of("gradus-case/1", "gradus-case/2");

    /** A row-major array and its shape (0 to 4 dimensions); as a matrix: dim 0 by the product of the rest. */
    record Array(int[] shape, double[] data) {
        int rows() { return shape.length <= 1 ? 1 : shape[0]; }
        int cols() { return shape.length <= 1 ? data.length : data.length / shape[0]; }
        float[] floats() {
            float[] f = new float[data.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) data[i];
            }
            return f;
        }
    }

    static ReferenceCase read(Path file) throws IOException {
        JsonObject o;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonElement e = JsonParser.parseReader(r);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException("the file is not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (com.google.gson.JsonParseException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
        }
        String format = string(o, "format");
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("format is '" + format + "', expected one of " + FORMATS);
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (JsonElement l : array(o, "layers")) {
            layers.add(layer(l.getAsJsonObject()));
        }
        Loss loss = loss(object(o, "loss"));
        Array x = array(object(o, "x"), "x", 4);
        Shape input = switch (x.shape().length) {
            case 2 -> null;   // implied by the first dense layer
            case 4 -> Shape.image(x.shape()[1], x.shape()[2], x.shape()[3]);
            default -> throw new IllegalArgumentException("x: shape must be [N, I] or [N, C, H, W], got "
                    + java.util.Arrays.toString(x.shape()));
        };
        Array target = o.has("target") ? array(object(o, "target"), "target", 2) : null;
        int[] labels = null;
        if (o.has("labels")) {
            JsonArray ls = array(o, "labels");
            labels = new int[ls.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = ls.get(i).getAsInt();
            }
        }
        if ((target == null) == (labels == null)) {
            throw new IllegalArgumentException("a case needs exactly one of 'target' and 'labels'");
        }
        JsonObject expect = object(o, "expect");
        JsonObject train = object(o, "train");
        JsonObject tol = object(o, "tolerance");
        return new ReferenceCase(string(o, "name"), input, layers, loss, x, target, labels,
                named(array(o, "params"), "params"), optionalNamed(o, "buffers"),
                array(object(expect, "output"), "expect.output", 4), number(expect, "loss"),
                named(array(expect, "grads"), "expect.grads"), object(train, "optimizer"),
                (int) number(train, "steps"), doubles(array(train, "losses")),
                named(array(train, "params_after"), "train.params_after"), optionalNamed(train, "buffers_after"),
                train.has("eval_output") ? array(object(train, "eval_output"), "train.eval_output", 4) : null,
                number(tol, "rtol"), number(tol, "atol"));
    }

    /** In the model files' vocabulary, which is the cases' (the case sets every parameter, so init is moot). */
    private static LayerSpec layer(JsonObject l) {
        return Architecture.parseLayer(l.toString());
    }

    private static Loss loss(JsonObject l) {
        String type = string(l, "type");
        return type.equals("huber") ? Loss.huber((float) optional(l, "delta", 1.0)) : Loss.parse(type);
    }

    private static Map<String, Array> named(JsonArray a, String field) {
        Map<String, Array> m = new LinkedHashMap<>();
        for (JsonElement e : a) {
            JsonObject p = e.getAsJsonObject();
            m.put(string(p, "name"), array(p, field + "." + string(p, "name"), 4));
        }
        return m;
    }

    private static Map<String, Array> optionalNamed(JsonObject o, String key) {
        return o.has(key) ? named(array(o, key), key) : Map.of();
    }

    /** A {shape, data} array of at most {@code maxDims} dimensions (a scalar has shape []). */
    private static Array array(JsonObject a, String field, int maxDims) {
        JsonArray s = array(a, "shape");
        if (s.size() > maxDims) {
            throw new IllegalArgumentException(field + ": shape must have at most " + maxDims + " dimensions, got " + s);
        }
        int[] shape = new int[s.size()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = s.get(i).getAsInt();
            n *= shape[i];
        }
        double[] data = doubles(array(a, "data"));
        if (data.length != n) {
            throw new IllegalArgumentException(field + ": shape " + s + " needs " + n + " values, got " + data.length);
        }
        return new Array(shape, data);
    }

    private static double[] doubles(JsonArray a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsDouble();
        }
        return d;
    }

    static String string(JsonObject o, String key) {
        return member(o, key).getAsString();
    }

    static double number(JsonObject o, String key) {
        return member(o, key).getAsDouble();
    }

    static double optional(JsonObject o, String key, double fallback) {
        return o.has(key) ? o.get(key).getAsDouble() : fallback;
    }

    static boolean optionalFlag(JsonObject o, String key, boolean fallback) {
        return o.has(key) ? o.get(key).getAsBoolean() : fallback;
    }

    private static JsonObject object(JsonObject o, String key) {
        JsonElement e = member(o, key);
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException("field '" + key + "' must be an object");
        }
        return e.getAsJsonObject();
    }

    private static JsonArray array(JsonObject o, String key) {
        JsonElement e = member(o, key);
        if (!e.isJsonArray()) {
            throw new IllegalArgumentException("field '" + key + "' must be an array");
        }
        return e.getAsJsonArray();
    }

    private static JsonElement member(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("missing field '" + key + "'");
        }
        return e;
    }

    /** Rejects fields outside {@code known}: a misspelt hyperparameter must not silently take a default. */
    static void onlyKnown(JsonObject o, String what, Set<String> known) {
        for (String k : o.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException(what + ": unknown field '" + k + "' (known: " + known + ")");
            }
        }
    }
}
