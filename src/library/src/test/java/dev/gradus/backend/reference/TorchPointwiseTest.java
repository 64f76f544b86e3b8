// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gradus.Activation;
import dev.gradus.Labels;
import dev.gradus.Loss;
import dev.gradus.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Activations and losses, forward and backward, against PyTorch 1.13 evaluated in float64 at the same
 * float32 inputs (fixtures written by {@code src/test/resources/torch/make_fixtures.py}).
 */
class TorchPointwiseTest {
    // The kernels evaluate in double and round once: a float32 result is within half an ulp (6e-8
    // relative) of the float64 truth; 4e-7 allows for a few ulps of libm and erf error on the way.
    private static final double RTOL = 4e-7;
    // Below float32's normal range the result is a subnormal or zero; relative error means nothing there.
    private static final double ATOL = Float.MIN_NORMAL;

    private final ReferenceBackend backend = new ReferenceBackend();

    private static JsonObject fixture() throws IOException {
        try (InputStream in = TorchPointwiseTest.class.getResourceAsStream("/torch/pointwise.json")) {
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    static Stream<JsonObject> activations() throws IOException {
        List<JsonObject> out = new ArrayList<>();
        fixture().getAsJsonArray("activations").forEach(e -> out.add(e.getAsJsonObject()));
        return out.stream();
    }

    static Stream<JsonObject> losses() throws IOException {
        List<JsonObject> out = new ArrayList<>();
        fixture().getAsJsonArray("losses").forEach(e -> out.add(e.getAsJsonObject()));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activations")
    void activationMatchesTorch(JsonObject c) {
        String name = c.get("activation").getAsString();
        float param = c.get("param").getAsFloat();
        Activation act = switch (name) {
            case "leaky_relu" -> Activation.leakyRelu(param);
            case "elu" -> Activation.elu(param);
            default -> Activation.parse(name);
        };
        float[] x = Within.floats(c.getAsJsonArray("x"));
        int rows = c.has("rows") ? c.get("rows").getAsInt() : 1;
        int cols = x.length / rows;
        try (Tensor inp = Tensor.of(rows, cols, x); Tensor out = Tensor.allocate(rows, cols);
             Tensor dout = Tensor.of(rows, cols, Within.floats(c.getAsJsonArray("dout")));
             Tensor dinp = Tensor.allocate(rows, cols)) {
            backend.activationForward(act, out, inp, null);
            Within.close(act + " forward", out.toArray(), Within.doubles(c.getAsJsonArray("out")), ATOL, RTOL);
            backend.activationBackward(act, dinp, dout, inp, out, null);
            // sigmoid, tanh, softmax differentiate through the float32 output: compare with torch's formula on it
            String key = c.has("dinp_from_out32") ? "dinp_from_out32" : "dinp";
            Within.close(act + " backward", dinp.toArray(), Within.doubles(c.getAsJsonArray(key)), ATOL, RTOL);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void lossMatchesTorch(JsonObject c) {
        String name = c.get("loss").getAsString();
        Loss loss = name.equals("huber") ? Loss.huber(c.get("delta").getAsFloat()) : Loss.parse(name);
        int rows = c.get("rows").getAsInt();
        int cols = c.get("cols").getAsInt();
        double want = c.get("value").getAsDouble();
        try (Tensor pred = Tensor.of(rows, cols, Within.floats(c.getAsJsonArray("pred")));
             Tensor dpred = Tensor.allocate(rows, cols)) {
            float got;
            if (loss.usesLabels()) {
                JsonArray l = c.getAsJsonArray("labels");
                int[] labels = new int[l.size()];
                for (int i = 0; i < labels.length; i++) {
                    labels[i] = l.get(i).getAsInt();
                }
                try (Labels lab = Labels.of(labels)) {
                    got = backend.crossEntropyForward(pred, lab);
                    backend.crossEntropyBackward(dpred, pred, lab);
                }
            } else {
                try (Tensor target = Tensor.of(rows, cols, Within.floats(c.getAsJsonArray("target")))) {
                    got = backend.lossForward(loss, pred, target);
                    backend.lossBackward(loss, dpred, pred, target);
                }
            }
            assertTrue(Math.abs(got - want) <= ATOL + RTOL * Math.abs(want), loss + " forward: " + got + ", torch " + want);
            Within.close(loss + " backward", dpred.toArray(), Within.doubles(c.getAsJsonArray("dpred")), ATOL, RTOL);
        }
    }
}
