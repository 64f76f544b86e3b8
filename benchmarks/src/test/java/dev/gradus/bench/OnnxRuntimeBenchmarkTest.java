// SPDX-License-Identifier: Apache-2.0
package dev.gradus.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import dev.gradus.backend.Backend;
import dev.gradus.nn.Network;
import dev.gradus.nn.Predictor;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** What OnnxRuntimeBenchmark times is a real prediction: its pinned output holds the Predictor's probabilities. */
class OnnxRuntimeBenchmarkTest {
    @Test
    void pinnedOutputHoldsThePredictorsProbabilities() throws OrtException {
        for (String net : new String[] {"A", "C"}) {
            OnnxRuntimeBenchmark b = new OnnxRuntimeBenchmark();
            b.net = net;
            b.batch = 3;
            b.threads = 1;
            b.setUp();
            try {
                float[] got = floats(((OnnxTensor) b.throughput()).getFloatBuffer());
                float[] x = floats(b.input().getFloatBuffer());
                try (Network n = BenchNetworks.network(Backend.named("java"), net, 1); Predictor p = n.predictor()) {
                    int in = n.inFeatures();
                    for (int r = 0; r < b.batch; r++) {
                        float[] row = java.util.Arrays.copyOfRange(x, r * in, (r + 1) * in);
                        float[] want = p.predict(row);
                        assertArrayEquals(want, java.util.Arrays.copyOfRange(got, r * 10, (r + 1) * 10), 1e-5f,
                                net + " row " + r);
                    }
                }
            } finally {
                b.tearDown();
            }
        }
    }

    private static float[] floats(FloatBuffer b) {
        float[] v = new float[b.remaining()];
        b.get(v);
        return v;
    }
}
