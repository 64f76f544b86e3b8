// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import dev.gradus.bench.BenchNetworks;
import dev.gradus.nn.ActivationSpec;
import dev.gradus.nn.BatchNormSpec;
import dev.gradus.nn.Conv2dSpec;
import dev.gradus.nn.DenseSpec;
import dev.gradus.nn.DropoutSpec;
import dev.gradus.nn.FlattenSpec;
import dev.gradus.nn.LayerNormSpec;
import dev.gradus.nn.LayerSpec;
import dev.gradus.nn.Pool2dSpec;
import dev.gradus.nn.Shape;
import java.util.List;

/**
 * The GEMM (and convolution) work of one training step per sample, counted from a network's layers: the
 * yardstick of the report's "% of the limit". Per layer with weights, a multiply-accumulate count m (dense:
 * in·out; conv: out·OH·OW·in·kh·kw) gives 2·m flops for the forward product, 2·m for the weight gradient
 * and 2·m for the input gradient, except for the first such layer, whose input gradient nobody needs (Gradus
 * and PyTorch both skip it). Elementwise work (activations, pooling, loss, the optimizer) is not counted: it
 * is memory-bound, and small beside the products.
 */
public final class GemmWork {
    private GemmWork() {}

    /** GEMM flops per sample of one training step of benchmark network {@code net} (A, B, C or D). */
    public static double perSample(String net) {
        return perSample(BenchNetworks.input(net), BenchNetworks.layers(net));
    }

    /** GEMM flops per sample of one training step of {@code layers} on input samples of shape {@code input}. */
    public static double perSample(Shape input, List<LayerSpec> layers) {
        double flops = 0;
        boolean first = true;
        Shape in = input;
        for (LayerSpec layer : layers) {
            Shape out = layer.outputShape(in);
            double macs = layer.accept(new Macs(out));
            if (macs > 0) {
                flops += 2 * macs * (first ? 2 : 3);
                first = false;
            }
            in = out;
        }
        return flops;
    }

    /** Multiply-accumulates per sample of one forward product; 0 for the kinds that have none. */
    private record Macs(Shape out) implements LayerSpec.Visitor<Double> {
        @Override public Double dense(DenseSpec d) { return (double) d.in() * d.out(); }
        @Override public Double conv2d(Conv2dSpec c) { return (double) out.size() * c.in() * c.kh() * c.kw(); }
        @Override public Double activation(ActivationSpec a) { return 0.0; }
        @Override public Double dropout(DropoutSpec d) { return 0.0; }
        @Override public Double pool2d(Pool2dSpec p) { return 0.0; }
        @Override public Double flatten(FlattenSpec f) { return 0.0; }
        @Override public Double batchNorm(BatchNormSpec b) { return 0.0; }
        @Override public Double layerNorm(LayerNormSpec l) { return 0.0; }
    }

    /** The peak's samples/s: what {@code gflops} would allow if every flop of {@link #perSample} ran at it. */
    public static double ceiling(double flopsPerSample, double gflops) {
        return gflops * 1e9 / flopsPerSample;
    }
}
