// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.gradus.Activation;
import dev.gradus.Loss;
import dev.gradus.nn.ActivationSpec;
import dev.gradus.nn.DenseSpec;
import dev.gradus.nn.DropoutSpec;
import dev.gradus.nn.Init;
import dev.gradus.nn.LayerSpec;
import java.util.ArrayList;
import java.util.List;

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
        JsonArray ls = new JsonArray();
        for (LayerSpec spec : layers) {
            JsonObject o = new JsonObject();
            if (spec instanceof DenseSpec d) {
                o.addProperty("type", "dense");
                o.addProperty("in", d.in());
                o.addProperty("out", d.out());
                o.addProperty("init", d.init().label());
            } else if (spec instanceof ActivationSpec a) {
                Activation act = a.activation();
                o.addProperty("type", act.label());
                if (act.kind() == Activation.Kind.LEAKY_RELU) {
                    o.addProperty("slope", act.param());
                } else if (act.kind() == Activation.Kind.ELU) {
                    o.addProperty("alpha", act.param());
                }
            } else if (spec instanceof DropoutSpec p) {
                o.addProperty("type", "dropout");
                o.addProperty("p", p.p());
            }
            ls.add(o);
        }
        JsonObject l = new JsonObject();
        l.addProperty("type", loss.label());
        if (loss.kind() == Loss.Kind.HUBER) {
            l.addProperty("delta", loss.delta());
        }
        JsonObject root = new JsonObject();
        root.add("layers", ls);
        root.add("loss", l);
        return root.toString();
    }

    /** Parses {@link #toJson()}'s form; anything else is an {@link IllegalArgumentException} saying what. */
    public static Architecture parse(String json) {
        JsonObject root;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException("architecture is not a JSON object");
            }
            root = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("architecture is not valid JSON: " + e.getMessage());
        }
        if (!(root.get("layers") instanceof JsonArray array) || !(root.get("loss") instanceof JsonObject lossJson)) {
            throw new IllegalArgumentException("architecture needs a \"layers\" array and a \"loss\" object");
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof JsonObject o)) {
                throw new IllegalArgumentException("architecture layer " + i + " is not a JSON object");
            }
            try {
                layers.add(layer(o));
            } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException | NullPointerException e) {
                throw new IllegalArgumentException("architecture layer " + i + " " + o + ": " + e.getMessage());
            }
        }
        Loss loss;
        try {
            loss = Loss.parse(text(lossJson, "type"));
            if (loss.kind() == Loss.Kind.HUBER && lossJson.has("delta")) {
                loss = Loss.huber(lossJson.get("delta").getAsFloat());
            }
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException | NullPointerException e) {
            throw new IllegalArgumentException("architecture loss " + lossJson + ": " + e.getMessage());
        }
        return new Architecture(layers, loss);
    }

    private static LayerSpec layer(JsonObject o) {
        String type = text(o, "type");
        return switch (type) {
            case "dense" -> new DenseSpec(o.get("in").getAsInt(), o.get("out").getAsInt(),
                    o.has("init") ? Init.parse(text(o, "init")) : Init.TORCH_DEFAULT);
            case "dropout" -> new DropoutSpec(o.get("p").getAsFloat());
            case "leaky_relu" -> new ActivationSpec(Activation.leakyRelu(o.has("slope") ? o.get("slope").getAsFloat() : 0.01f));
            case "elu" -> new ActivationSpec(Activation.elu(o.has("alpha") ? o.get("alpha").getAsFloat() : 1f));
            default -> new ActivationSpec(Activation.parse(type));
        };
    }

    private static String text(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonPrimitive()) {
            throw new IllegalArgumentException("missing \"" + key + "\"");
        }
        return e.getAsString();
    }
}
