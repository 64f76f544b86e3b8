// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gradus.Tensor;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.SgdConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each optimizer kernel against {@code torch.optim} 1.13 (fixtures written by
 * {@code src/test/resources/torch/make_fixtures.py}): the same float32 start, the same float32
 * gradients, five steps; the parameter and every state buffer are compared after each step.
 */
class TorchOptimizerTest {
    // Bit-identical: the same float32 operations in torch's order, fused where ATen's AVX2 kernels fuse
    // (fixtures made on an FMA CPU; regenerated on a CPU without FMA they may move by an ulp or two).
    private static final int MAX_ULPS = 0;

    private final ReferenceBackend backend = new ReferenceBackend();

    static Stream<JsonObject> cases() throws IOException {
        try (InputStream in = TorchOptimizerTest.class.getResourceAsStream("/torch/optimizers.json")) {
            JsonObject root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
            List<JsonObject> out = new ArrayList<>();
            root.getAsJsonArray("cases").forEach(e -> out.add(e.getAsJsonObject()));
            return out.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(JsonObject c) {
        String kind = c.get("optimizer").getAsString();
        String label = kind + "/" + c.get("name").getAsString();
        JsonObject h = c.getAsJsonObject("hyper");
        float[] p0 = Within.floats(c.getAsJsonArray("param0"));
        int n = p0.length;
        Map<String, Tensor> state = new TreeMap<>();
        try (Tensor param = Tensor.of(1, n, p0); Tensor grad = Tensor.allocate(1, n)) {
            JsonArray grads = c.getAsJsonArray("grads");
            JsonArray steps = c.getAsJsonArray("steps");
            for (int s = 0; s < steps.size(); s++) {
                grad.copyFrom(Within.floats(grads.get(s).getAsJsonArray()));
                step(kind, h, param, grad, state, s + 1);
                JsonObject want = steps.get(s).getAsJsonObject();
                String at = label + " step " + (s + 1);
                Within.ulps(at + " param", param.toArray(), Within.floats(want.getAsJsonArray("param")), MAX_ULPS);
                for (Map.Entry<String, com.google.gson.JsonElement> e : want.getAsJsonObject("state").entrySet()) {
                    Tensor t = state.get(e.getKey());
                    if (t == null) {
                        throw new AssertionError(at + ": torch has state " + e.getKey() + ", the test does not");
                    }
                    Within.ulps(at + " " + e.getKey(), t.toArray(), Within.floats(e.getValue().getAsJsonArray()),
                            MAX_ULPS);
                }
            }
        } finally {
            state.values().forEach(Tensor::close);
        }
    }

    private void step(String kind, JsonObject h, Tensor param, Tensor grad, Map<String, Tensor> state, long step) {
        int n = param.size();
        float lr = f(h, "lr", 0);
        switch (kind) {
            case "sgd" -> {
                SgdConfig c = new SgdConfig(lr, f(h, "momentum", 0), f(h, "dampening", 0), f(h, "weight_decay", 0),
                        h.has("nesterov") && h.get("nesterov").getAsBoolean());
                Tensor buf = c.momentum() != 0 ? buffer(state, "momentum_buf", n, 0) : null;
                backend.sgdUpdate(param, grad, buf, c, lr, step);
            }
            case "adagrad" -> {
                AdagradConfig c = new AdagradConfig(lr, f(h, "lr_decay", 0), f(h, "weight_decay", 0),
                        f(h, "initial_accumulator_value", 0), f(h, "eps", 1e-10f));
                backend.adagradUpdate(param, grad, buffer(state, "sum", n, c.initialAccumulatorValue()), c, lr, step);
            }
            case "rmsprop" -> {
                RmspropConfig c = new RmspropConfig(lr, f(h, "alpha", 0.99f), f(h, "eps", 1e-8f), f(h, "weight_decay", 0),
                        f(h, "momentum", 0), h.has("centered") && h.get("centered").getAsBoolean());
                backend.rmspropUpdate(param, grad, buffer(state, "square_avg", n, 0),
                        c.momentum() != 0 ? buffer(state, "momentum_buf", n, 0) : null,
                        c.centered() ? buffer(state, "grad_avg", n, 0) : null, c, lr, step);
            }
            case "adam", "adamw" -> {
                AdamConfig c = new AdamConfig(lr, f(h, "beta1", 0.9f), f(h, "beta2", 0.999f), f(h, "eps", 1e-8f),
                        f(h, "weight_decay", kind.equals("adam") ? 0 : 0.01f),
                        h.has("amsgrad") && h.get("amsgrad").getAsBoolean());
                Tensor max = c.amsgrad() ? buffer(state, "max_exp_avg_sq", n, 0) : null;
                if (kind.equals("adam")) {
                    backend.adamUpdate(param, grad, buffer(state, "exp_avg", n, 0), buffer(state, "exp_avg_sq", n, 0),
                            max, c, lr, step);
                } else {
                    backend.adamwUpdate(param, grad, buffer(state, "exp_avg", n, 0), buffer(state, "exp_avg_sq", n, 0),
                            max, c, lr, step);
                }
            }
            default -> throw new AssertionError("unknown optimizer " + kind);
        }
    }

    private static Tensor buffer(Map<String, Tensor> state, String name, int n, float initial) {
        return state.computeIfAbsent(name, k -> Tensor.allocate(1, n).fill(initial));
    }

    private static float f(JsonObject h, String key, float dflt) {
        return h.has(key) ? h.get(key).getAsFloat() : dflt;
    }
}
