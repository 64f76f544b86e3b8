// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.List;
import java.util.Locale;

/** The text of {@link Network#summary()}. */
final class Summary {
    private Summary() {}

    static String of(Network net) {
        StringBuilder sb = new StringBuilder();
        List<LayerSpec> specs = net.layers();
        int width = 26;    // the columns fit the longest description (a strided conv's) and shape
        int shapes = Math.max(14, net.inputShape().batched().length());
        for (int i = 0; i < specs.size(); i++) {
            width = Math.max(width, specs.get(i).describe().length());
            shapes = Math.max(shapes, net.outputShape(i).batched().length());
        }
        String fmt = "%-4s %-" + width + "s %-" + shapes + "s %12s%n";
        sb.append(String.format(Locale.ROOT, fmt, "#", "layer", "output", "parameters"));
        sb.append(String.format(Locale.ROOT, fmt, "", "input", net.inputShape().batched(), ""));
        for (int i = 0; i < specs.size(); i++) {
            LayerSpec s = specs.get(i);
            sb.append(String.format(Locale.ROOT, fmt, i, s.describe(), net.outputShape(i).batched(),
                    String.format(Locale.ROOT, "%,d", Layout.count(s))));
        }
        sb.append(String.format(Locale.ROOT, "loss: %s; parameters: %,d (%,d bytes as float32); backend: %s%n",
                net.loss(), net.parameterCount(), 4L * net.parameterCount(), net.backend().name()));
        return sb.toString();
    }
}
