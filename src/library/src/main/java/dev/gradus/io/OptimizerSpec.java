// SPDX-License-Identifier: Apache-2.0
package dev.gradus.io;

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
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which optimizer, with which hyperparameters: enough to build it again ({@link #create}) and to
 * store it in a checkpoint ({@link #configJson}, {@link #parse}). The config is the optimizer's own
 * record ({@link SgdConfig}, {@link AdamConfig}, ...); floats round-trip exactly through JSON.
 */
public record OptimizerSpec(String name, Record config) {
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

    /** The config as JSON, its record components in order, e.g. {@code {"lr":0.01,"momentum":0.9,...}}. */
    public String configJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        for (RecordComponent c : config.getClass().getRecordComponents()) {
            try {
                o.put(c.getName(), c.getAccessor().invoke(config));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + config, e);
            }
        }
        return Json.write(o);
    }

    /**
     * Reads {@link #configJson()} back for optimizer {@code name}: every component of its config must be
     * there, with a value of its type, and nothing else.
     */
    public static OptimizerSpec parse(String name, String configJson) {
        Class<? extends Record> type = configClass(name.toLowerCase(Locale.ROOT));
        Map<String, Object> o;
        try {
            o = Json.parseObject(configJson);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("optimizer config '" + configJson + "' is not a JSON object: " + e.getMessage());
        }
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int k = 0; k < components.length; k++) {
            String key = components[k].getName();
            types[k] = components[k].getType();
            if (!o.containsKey(key)) {
                throw new IllegalArgumentException("optimizer config " + configJson + " has no \"" + key + "\"");
            }
            Object v = o.get(key);
            String what = "optimizer config \"" + key + "\"";
            values[k] = types[k] == float.class ? (Object) Json.number(v, what).asFloat()
                    : types[k] == boolean.class ? (Object) Json.bool(v, what)
                    : types[k] == int.class ? (Object) Json.number(v, what).asInt()
                    : types[k] == long.class ? (Object) Json.number(v, what).asLong()
                    : null;
            if (values[k] == null) {
                throw new IllegalStateException("no JSON form for " + types[k] + " in " + type.getSimpleName());
            }
        }
        for (String key : o.keySet()) {
            boolean known = false;
            for (RecordComponent c : components) {
                known |= c.getName().equals(key);
            }
            if (!known) {
                throw new IllegalArgumentException("optimizer config " + configJson + " has an unknown entry \"" + key
                        + "\" for " + name);
            }
        }
        try {
            Constructor<? extends Record> canonical = type.getDeclaredConstructor(types);
            return new OptimizerSpec(name, canonical.newInstance(values));
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("optimizer config " + configJson + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
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
