// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.gradus.nn.Network;
import dev.gradus.optim.Adagrad;
import dev.gradus.optim.AdagradConfig;
import dev.gradus.optim.Adam;
import dev.gradus.optim.AdamConfig;
import dev.gradus.optim.AdamW;
import dev.gradus.optim.Optimizer;
import dev.gradus.optim.Rmsprop;
import dev.gradus.optim.RmspropConfig;
import dev.gradus.optim.Sgd;
import dev.gradus.optim.SgdConfig;
import java.util.Locale;

/**
 * Which optimizer, with which hyperparameters: enough to build it again ({@link #create}) and to
 * store it in a checkpoint ({@link #configJson}, {@link #parse}). The config is the optimizer's own
 * record ({@link SgdConfig}, {@link AdamConfig}, ...); floats round-trip exactly through JSON.
 */
public record OptimizerSpec(String name, Record config) {
    private static final Gson GSON = new Gson();

    public OptimizerSpec {
        name = name.toLowerCase(Locale.ROOT);
        Class<? extends Record> expected = configClass(name);
        if (!expected.isInstance(config)) {
            throw new IllegalArgumentException("optimizer " + name + " takes a " + expected.getSimpleName()
                    + ", got " + (config == null ? "null" : config.getClass().getSimpleName()));
        }
    }

    /** A new optimizer over {@code network}'s parameters, with fresh (zero) state. */
    public Optimizer create(Network network) {
        return switch (name) {
            case "sgd" -> new Sgd(network, (SgdConfig) config);
            case "adagrad" -> new Adagrad(network, (AdagradConfig) config);
            case "rmsprop" -> new Rmsprop(network, (RmspropConfig) config);
            case "adam" -> new Adam(network, (AdamConfig) config);
            case "adamw" -> new AdamW(network, (AdamConfig) config);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'");
        };
    }

    /** The spec of an existing optimizer. */
    public static OptimizerSpec of(Optimizer optimizer) {
        Record config;
        if (optimizer instanceof Sgd o) {
            config = o.config();
        } else if (optimizer instanceof Adagrad o) {
            config = o.config();
        } else if (optimizer instanceof Rmsprop o) {
            config = o.config();
        } else if (optimizer instanceof Adam o) {
            config = o.config();
        } else if (optimizer instanceof AdamW o) {
            config = o.config();
        } else {
            throw new IllegalArgumentException("cannot store optimizer " + optimizer.name() + " in a checkpoint");
        }
        return new OptimizerSpec(optimizer.name(), config);
    }

    /** The config as JSON, e.g. {@code {"lr":0.01,"momentum":0.9,...}}. */
    public String configJson() { return GSON.toJson(config); }

    /** Reads {@link #configJson()} back for optimizer {@code name}. */
    public static OptimizerSpec parse(String name, String configJson) {
        Class<? extends Record> type = configClass(name.toLowerCase(Locale.ROOT));
        try {
            Record config = GSON.fromJson(configJson, type);
            if (config == null) {
                throw new IllegalArgumentException("optimizer config is empty");
            }
            return new OptimizerSpec(name, config);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("optimizer config " + configJson + " is not valid: " + e.getMessage());
        }
    }

    private static Class<? extends Record> configClass(String name) {
        return switch (name) {
            case "sgd" -> SgdConfig.class;
            case "adagrad" -> AdagradConfig.class;
            case "rmsprop" -> RmspropConfig.class;
            case "adam", "adamw" -> AdamConfig.class;
            default -> throw new IllegalArgumentException("unknown optimizer '" + name
                    + "' (known: sgd, adagrad, rmsprop, adam, adamw)");
        };
    }

    @Override
    public String toString() { return name + " " + config; }
}
