// SPDX-License-Identifier: Apache-2.0
package dev.gradus.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bytes an elementwise kernel must move per element, to turn a time into GB/s: every float32 array it
 * reads counts 4 B per element, every array it writes another 4 B (an in-place array counts twice: read and
 * written). Small extras are left out: a bias row, one int label per row of 1024, the scalar result of a
 * reduction. Write-allocate traffic (reading a line before overwriting it, which non-temporal stores avoid)
 * is not counted either, so GB/s is the useful bandwidth, a lower bound on what the memory system did.
 * Names are those of {@code dev.gradus.bench.KernelBenchmark}.
 */
public final class KernelTraffic {
    private KernelTraffic() {}

    private static final Map<String, Integer> BYTES = new LinkedHashMap<>();
    private static final Map<String, String> WHY = new LinkedHashMap<>();

    static {
        for (String act : new String[] {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu",
                "softplus", "softmax"}) {
            put(act + "_forward", 8, "read inp, write out");
            put(act + "_backward", 12, "read dout and inp or out, write dinp");
        }
        for (String loss : new String[] {"mse", "l1", "huber", "bce", "bce_with_logits"}) {
            put(loss + "_forward", 8, "read pred, target (sum in double)");
            put(loss + "_backward", 12, "read pred, target, write dpred");
        }
        put("cross_entropy_forward", 4, "read logits (labels: 4 B per row, ignored)");
        put("cross_entropy_backward", 8, "read logits, write dlogits");
        put("dropout_forward", 12, "read inp, write out and mask");
        put("dropout_backward", 12, "read dout, mask, write dinp");
        put("sgd_update", 20, "read param, grad, momentum; write param, momentum");
        put("adagrad_update", 20, "read param, grad, sum; write param, sum");
        put("rmsprop_update", 20, "read param, grad, square_avg; write param, square_avg");
        put("adam_update", 28, "read param, grad, m, v; write param, m, v");
        put("adamw_update", 28, "read param, grad, m, v; write param, m, v");
        put("sum_of_squares", 4, "read x");
        put("scale", 8, "read and write x in place");
        put("clamp", 8, "read and write x in place");
    }

    private static void put(String kernel, int bytes, String why) {
        BYTES.put(kernel, bytes);
        WHY.put(kernel, why);
    }

    /** Bytes moved per element by {@code kernel}; throws for an unknown name. */
    public static int bytesPerElement(String kernel) {
        Integer b = BYTES.get(kernel);
        if (b == null) {
            throw new IllegalArgumentException("no traffic figure for kernel '" + kernel + "' (known: "
                    + BYTES.keySet() + ")");
        }
        return b;
    }

    /** What the bytes are, e.g. "read inp, write out". */
    public static String explanation(String kernel) {
        bytesPerElement(kernel);
        return WHY.get(kernel);
    }

    /** Whether a figure exists for {@code kernel}. */
    public static boolean knows(String kernel) {
        return BYTES.containsKey(kernel);
    }

    /** The kernels in benchmark order. */
    public static Iterable<String> kernels() {
        return BYTES.keySet();
    }
}
