// SPDX-License-Identifier: Apache-2.0
package dev.gradus.nn;

import java.util.List;
import java.util.Locale;

/** The text of {@link Network#summary()}. */
final class Summary {
    private Summary() {}

    static String of(Network net) {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-4s %-26s %-14s %12s%n";
        sb.append(String.format(Locale.ROOT, fmt, "#", "layer", "output", "parameters"));
        List<LayerSpec> specs = net.layers();
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
