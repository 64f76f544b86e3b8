// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.gradus.Tensor;
import dev.gradus.backend.Backend;
import dev.gradus.nn.TestBackends;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Learning-rate schedules and gradient clipping against PyTorch 1.13's values, written by
 * {@code torch_schedules.py} beside {@code torch_schedules.json} in the test resources.
 */
class TorchSchedulesTest {
    // PyTorch steps its schedules recursively in double, we use the closed forms: a few ulps of double apart
    private static final double LR_RTOL = 1e-12;
    // clipping scales float32 gradients by a float32 factor, PyTorch does the same: one rounding each way
    private static final double CLIP_RTOL = 1e-6;

    private static JsonObject fixture() throws Exception {
        try (Reader r = new InputStreamReader(TorchSchedulesTest.class.getResourceAsStream("torch_schedules.json"),
                StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r).getAsJsonObject();
        }
    }

    @Test
    void schedulesMatchTorch() throws Exception {
        JsonObject f = fixture();
        double base = f.get("base_lr").getAsDouble();
        Map<String, LrSchedule> ours = Map.of(
                "step(7, 0.5)", LrSchedule.step(7, 0.5),
                "exponential(0.9)", LrSchedule.exponential(0.9),
                "cosine(25, 0.001)", LrSchedule.cosine(25, 0.001),
                "warmup(5, 0.1, cosine(20, 0))", LrSchedule.warmup(5, 0.1, LrSchedule.cosine(20, 0)),
                "warmup(4, 0.25, step(3, 0.1))", LrSchedule.warmup(4, 0.25, LrSchedule.step(3, 0.1)));
        JsonObject torch = f.getAsJsonObject("schedules");
        assertEquals(ours.keySet(), torch.keySet());
        for (Map.Entry<String, LrSchedule> e : ours.entrySet()) {
            JsonArray want = torch.getAsJsonArray(e.getKey());
            for (int t = 0; t < want.size(); t++) {
                double w = want.get(t).getAsDouble();
                double got = e.getValue().lr(base, t);
                assertEquals(w, got, LR_RTOL * Math.abs(w), e.getKey() + " at t=" + t);
            }
        }
    }

    @Test
    void clippingMatchesTorch() throws Exception {
        JsonObject f = fixture();
        JsonArray g = f.getAsJsonArray("grad");
        float[] grad = new float[g.size()];
        for (int i = 0; i < grad.length; i++) {
            grad[i] = g.get(i).getAsFloat();
        }
        Map<String, GradientClipping> ours = Map.of("norm(1.0)", GradientClipping.byNorm(1f),
                "norm(100.0)", GradientClipping.byNorm(100f), "value(1.5)", GradientClipping.byValue(1.5f));
        JsonObject torch = f.getAsJsonObject("clipping");
        for (Backend b : TestBackends.all()) {
            for (Map.Entry<String, GradientClipping> e : ours.entrySet()) {
                JsonObject want = torch.getAsJsonObject(e.getKey());
                try (Tensor t = Tensor.of(1, grad.length, grad)) {
                    double norm = e.getValue().apply(b, t);
                    double wn = want.get("norm").getAsDouble();
                    assertEquals(wn, norm, CLIP_RTOL * wn, b.name() + " " + e.getKey() + " norm");
                    JsonArray wg = want.getAsJsonArray("grad");
                    for (int i = 0; i < grad.length; i++) {
                        double w = wg.get(i).getAsDouble();
                        assertEquals(w, t.get(i), CLIP_RTOL * Math.abs(w), b.name() + " " + e.getKey() + " element " + i);
                    }
                }
            }
        }
    }

    @Test
    void badSchedulesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.step(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(10, -1));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmup(3, 0, LrSchedule.constant()));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant().lr(0.1, -1));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.byNorm(0f));
    }
}
