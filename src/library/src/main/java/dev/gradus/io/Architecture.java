// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.nn.ActivationSpec;
import dev.gradus.nn.DenseSpec;
import dev.gradus.nn.DropoutSpec;
import dev.gradus.nn.Init;
import dev.gradus.nn.LayerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network's layers and loss as JSON, in the vocabulary of the reference cases
 * ({@code ../shared/cases/README.md}):
 * <pre>
 * {"layers": [{"type": "dense", "in": 784, "out": 128, "init": "torch_default"}, {"type": "relu"},
 *             {"type": "leaky_relu", "slope": 0.01}, {"type": "dropout", "p": 0.5}, ...],
 *  "loss": {"type": "cross_entropy"}}            (huber adds "delta")
 * </pre>
 * Floats are written with {@link Float#toString}, so they read back bit for bit.
 */
public record Architecture(List<LayerSpec> layers, Loss loss) {

    public Architecture {
        if (layers == null || layers.isEmpty() || loss == null) {
            throw new IllegalArgumentException("an architecture needs at least one layer and a loss");
        }
        layers = List.copyOf(layers);
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
        return new Architecture(layers, loss);
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
            case "leaky_relu" -> new ActivationSpec(Activation.leakyRelu(o.containsKey("slope") ? real(o, "slope") : 0.01f));
            case "elu" -> new ActivationSpec(Activation.elu(o.containsKey("alpha") ? real(o, "alpha") : 1f));
            default -> new ActivationSpec(Activation.parse(type));
        };
    }

    private static int integer(Map<String, Object> o, String key) {
        return Json.number(o.get(key), "\"" + key + "\"").asInt();
    }

    private static float real(Map<String, Object> o, String key) {
        return Json.number(o.get(key), "\"" + key + "\"").asFloat();
    }
}
