// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.backend.Backend;
import dev.gradus.nn.ActivationSpec;
import dev.gradus.nn.BatchNormSpec;
import dev.gradus.nn.Conv2dSpec;
import dev.gradus.nn.DenseSpec;
import dev.gradus.nn.DropoutSpec;
import dev.gradus.nn.FlattenSpec;
import dev.gradus.nn.Init;
import dev.gradus.nn.LayerNormSpec;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Network;
import dev.gradus.nn.Pool2dSpec;
import dev.gradus.nn.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network's input shape, layers and loss as JSON, in the vocabulary of the reference cases
 * ({@code ../shared/cases/README.md}):
 * <pre>
 * {"input": [784],
 *  "layers": [{"type": "dense", "in": 784, "out": 128, "init": "torch_default"}, {"type": "relu"},
 *             {"type": "leaky_relu", "slope": 0.01}, {"type": "dropout", "p": 0.5}, ...],
 *  "loss": {"type": "cross_entropy"}}            (huber adds "delta")
 * </pre>
 * The input is a sample's shape, {@code [F]} or {@code [C, H, W]}; a null input (files written before
 * it was recorded) is the one the first dense layer implies. Floats are written with
 * {@link Float#toString}, so they read back bit for bit.
 */
public record Architecture(Shape input, List<LayerSpec> layers, Loss loss) {

    public Architecture {
        if (layers == null || layers.isEmpty() || loss == null) {
            throw new IllegalArgumentException("an architecture needs at least one layer and a loss");
        }
        layers = List.copyOf(layers);
    }

    /** The input the first dense layer implies (an MLP's). */
    public Architecture(List<LayerSpec> layers, Loss loss) {
        this(null, layers, loss);
    }

    /** The architecture of {@code network}, its input shape included. */
    public static Architecture of(Network network) {
        return new Architecture(network.inputShape(), network.layers(), network.loss());
    }

    /**
     * A new network of this architecture, its parameters initialized from {@code seed}.
     *
     * @throws IllegalArgumentException if a layer cannot take the output of the one before it
     */
    public Network build(Backend backend, long seed) {
        return input == null ? new Network(backend, layers, loss, seed) : new Network(backend, input, layers, loss, seed);
    }

    public String toJson() {
        List<Object> ls = new ArrayList<>();
        for (LayerSpec spec : layers) {
            ls.add(spec.toJson());
        }
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("type", loss.label());
        if (loss.kind() == Loss.Kind.HUBER) {
            l.put("delta", loss.delta());
        }
        Map<String, Object> root = new LinkedHashMap<>();
        if (input != null) {
            List<Object> dims = new ArrayList<>();
            for (int d : input.dims()) {
                dims.add(d);
            }
            root.put("input", dims);
        }
        root.put("layers", ls);
        root.put("loss", l);
        return Json.write(root);
    }

    /** Parses {@link #toJson()}'s form; anything else is an {@link IllegalArgumentException} saying what. */
    public static Architecture parse(String json) {
        Map<String, Object> root;
        try {
            root = Json.parseObject(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("architecture is not a JSON object: " + e.getMessage());
        }
        if (!(root.get("layers") instanceof List<?> array) || !(root.get("loss") instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("architecture needs a \"layers\" array and a \"loss\" object");
        }
        Map<String, Object> lossJson = Json.object(root.get("loss"), "loss");
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Object o = array.get(i);
            if (!(o instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("architecture layer " + i + " is not a JSON object");
            }
            try {
                layers.add(layer(Json.object(o, "layer " + i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("architecture layer " + i + " " + Json.write(o) + ": " + e.getMessage());
            }
        }
        Loss loss;
        try {
            loss = Loss.parse(Json.string(lossJson.get("type"), "\"type\""));
            if (loss.kind() == Loss.Kind.HUBER && lossJson.containsKey("delta")) {
                loss = Loss.huber(Json.number(lossJson.get("delta"), "\"delta\"").asFloat());
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("architecture loss " + Json.write(lossJson) + ": " + e.getMessage());
        }
        return new Architecture(input(root.get("input")), layers, loss);
    }

    private static Shape input(Object json) {
        if (json == null) {
            return null;
        }
        if (!(json instanceof List<?> dims) || (dims.size() != 1 && dims.size() != 3)) {
            throw new IllegalArgumentException("architecture input " + Json.write(json) + " must be [F] or [C, H, W]");
        }
        int[] d = new int[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = Json.number(dims.get(i), "architecture input").asInt();
        }
        try {
            return Shape.of(d);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("architecture input " + Json.write(json) + ": " + e.getMessage());
        }
    }

    /**
     * One layer's JSON object, as {@link #toJson()} writes it and the reference cases hold it.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static LayerSpec parseLayer(String json) {
        return layer(Json.parseObject(json));
    }

    private static LayerSpec layer(Map<String, Object> o) {
        String type = Json.string(o.get("type"), "\"type\"");
        return switch (type) {
            case "dense" -> new DenseSpec(integer(o, "in"), integer(o, "out"),
                    o.containsKey("init") ? Init.parse(Json.string(o.get("init"), "\"init\"")) : Init.TORCH_DEFAULT);
            case "dropout" -> new DropoutSpec(real(o, "p"));
            case "conv2d" -> {
                int[] k = pair(o, "kernel", null);
                int[] st = pair(o, "stride", new int[] {1, 1});
                int[] p = pair(o, "padding", new int[] {0, 0});
                int[] d = pair(o, "dilation", new int[] {1, 1});
                yield new Conv2dSpec(integer(o, "in_channels"), integer(o, "out_channels"), k[0], k[1], st[0], st[1],
                        p[0], p[1], d[0], d[1], !o.containsKey("bias") || flag(o, "bias"),
                        o.containsKey("init") ? Init.parse(Json.string(o.get("init"), "\"init\"")) : Init.TORCH_DEFAULT);
            }
            case "maxpool2d", "avgpool2d" -> {
                int[] k = pair(o, "kernel", null);
                int[] st = pair(o, "stride", k);
                int[] p = pair(o, "padding", new int[] {0, 0});
                boolean max = type.equals("maxpool2d");
                yield new Pool2dSpec(max, k[0], k[1], st[0], st[1], p[0], p[1],
                        max || !o.containsKey("count_include_pad") || flag(o, "count_include_pad"));
            }
            case "flatten" -> new FlattenSpec();
            case "batchnorm1d", "batchnorm2d" -> new BatchNormSpec(type.equals("batchnorm2d"), integer(o, "num_features"),
                    o.containsKey("eps") ? real64(o, "eps") : BatchNormSpec.EPS,
                    o.containsKey("momentum") ? real64(o, "momentum") : BatchNormSpec.MOMENTUM);
            case "layernorm" -> {
                List<Integer> dims = new ArrayList<>();
                Object v = o.get("normalized_shape");
                if (v instanceof List<?>) {
                    for (Object d : Json.array(v, "\"normalized_shape\"")) {
                        dims.add(Json.number(d, "\"normalized_shape\"").asInt());
                    }
                } else {
                    dims.add(integer(o, "normalized_shape"));
                }
                yield new LayerNormSpec(dims, o.containsKey("eps") ? real64(o, "eps") : LayerNormSpec.EPS);
            }
            case "leaky_relu" -> new ActivationSpec(Activation.leakyRelu(o.containsKey("slope") ? real(o, "slope") : 0.01f));
            case "elu" -> new ActivationSpec(Activation.elu(o.containsKey("alpha") ? real(o, "alpha") : 1f));
            default -> new ActivationSpec(Activation.parse(type));
        };
    }

    /** {@code [h, w]}, or one number for both; {@code fallback} when absent (null: required). */
    private static int[] pair(Map<String, Object> o, String key, int[] fallback) {
        Object v = o.get(key);
        if (v == null && fallback != null) {
            return fallback;
        }
        if (v instanceof List<?>) {
            List<Object> a = Json.array(v, "\"" + key + "\"");
            if (a.size() != 2) {
                throw new IllegalArgumentException("\"" + key + "\" must be [h, w], got " + Json.write(v));
            }
            return new int[] {Json.number(a.get(0), "\"" + key + "\"[0]").asInt(),
                    Json.number(a.get(1), "\"" + key + "\"[1]").asInt()};
        }
        int n = integer(o, key);
        return new int[] {n, n};
    }

    private static boolean flag(Map<String, Object> o, String key) {
        if (!(o.get(key) instanceof Boolean b)) {
            throw new IllegalArgumentException("\"" + key + "\" must be true or false, got " + Json.write(o.get(key)));
        }
        return b;
    }

    private static int integer(Map<String, Object> o, String key) {
        return Json.number(o.get(key), "\"" + key + "\"").asInt();
    }

    private static double real64(Map<String, Object> o, String key) {
        return Json.number(o.get(key), "\"" + key + "\"").asDouble();
    }

    private static float real(Map<String, Object> o, String key) {
        return Json.number(o.get(key), "\"" + key + "\"").asFloat();
    }
}
