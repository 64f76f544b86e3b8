// SPDX-License-Identifier: Apache-2.0
package dev.gradus.cases;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.gradus.nn.Network;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.Adagrad;
import dev.gradus.optim.Adam;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.AdamW;
import dev.gradus.optim.Optimizer;
import dev.gradus.optim.Rmsprop;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.Sgd;
import dev.gradus.optim.SgdConfig;
import java.util.Set;

/** Builds the optimizer a case's {@code train.optimizer} describes, with PyTorch's defaults for absent fields. */
final class CaseOptimizers {
    private CaseOptimizers() {}

    static Optimizer create(JsonObject o, Network net) {
        String type = ReferenceCase.string(o, "type");
        float lr = (float) ReferenceCase.number(o, "lr");
        return switch (type) {
            case "sgd" -> {
                ReferenceCase.onlyKnown(o, "sgd", Set.of("type", "lr", "momentum", "dampening", "weight_decay", "nesterov"));
                yield new Sgd(net, new SgdConfig(lr, f(o, "momentum", 0), f(o, "dampening", 0), f(o, "weight_decay", 0),
                        ReferenceCase.optionalFlag(o, "nesterov", false)));
            }
            case "adagrad" -> {
                ReferenceCase.onlyKnown(o, "adagrad", Set.of("type", "lr", "lr_decay", "weight_decay",
                        "initial_accumulator_value", "eps"));
                yield new Adagrad(net, new AdagradConfig(lr, f(o, "lr_decay", 0), f(o, "weight_decay", 0),
                        f(o, "initial_accumulator_value", 0), f(o, "eps", 1e-10)));
            }
            case "rmsprop" -> {
                ReferenceCase.onlyKnown(o, "rmsprop", Set.of("type", "lr", "alpha", "eps", "weight_decay", "momentum",
                        "centered"));
                yield new Rmsprop(net, new RmspropConfig(lr, f(o, "alpha", 0.99), f(o, "eps", 1e-8),
                        f(o, "weight_decay", 0), f(o, "momentum", 0), ReferenceCase.optionalFlag(o, "centered", false)));
            }
            case "adam" -> new Adam(net, adam(o, lr, 0));
            case "adamw" -> new AdamW(net, adam(o, lr, 0.01));
            default -> throw new IllegalArgumentException("unknown optimizer type '" + type
                    + "' (known: sgd, adagrad, rmsprop, adam, adamw)");
        };
    }

    private static AdamConfig adam(JsonObject o, float lr, double defaultDecay) {
        ReferenceCase.onlyKnown(o, ReferenceCase.string(o, "type"), Set.of("type", "lr", "beta1", "beta2", "betas", "eps",
                "weight_decay", "amsgrad"));
        float b1 = f(o, "beta1", 0.9);
        float b2 = f(o, "beta2", 0.999);
        if (o.has("betas")) {
            JsonArray b = o.getAsJsonArray("betas");
            b1 = b.get(0).getAsFloat();
            b2 = b.get(1).getAsFloat();
        }
        return new AdamConfig(lr, b1, b2, f(o, "eps", 1e-8), f(o, "weight_decay", defaultDecay),
                ReferenceCase.optionalFlag(o, "amsgrad", false));
    }

    private static float f(JsonObject o, String key, double fallback) {
        return (float) ReferenceCase.optional(o, key, fallback);
    }
}
