// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

/**
 * A learning rate as a function of the schedule step t (t = 0 first; the caller decides whether t counts
 * epochs or iterations, as with PyTorch's {@code scheduler.step()}) and of the base rate. Each matches
 * its {@code torch.optim.lr_scheduler} namesake's closed form, computed in double:
 * <ul>
 * <li>{@link #constant()}: base.</li>
 * <li>{@link #step(long, double)} (StepLR): base · gamma^⌊t / stepSize⌋.</li>
 * <li>{@link #exponential(double)} (ExponentialLR): base · gamma^t.</li>
 * <li>{@link #cosine(long, double)} (CosineAnnealingLR): etaMin + (base − etaMin) · (1 + cos(π·t/tMax)) / 2
 *     (beyond tMax the cosine continues, as in PyTorch).</li>
 * <li>{@link #warmup(long, double, LrSchedule)} (SequentialLR of LinearLR(startFactor, 1, steps) then
 *     {@code then}): base · (startFactor + (1 − startFactor) · t / steps) for t &lt; steps, then
 *     {@code then} at t − steps.</li>
 * </ul>
 * Use: {@code optimizer.setLr(schedule.lr(baseLr, t))}, or {@link #apply}.
 */
public sealed interface LrSchedule {

    /** The learning rate at step t for base rate {@code base}. */
    double lr(double base, long t);

    /** Sets {@code optimizer}'s rate to {@code lr(base, t)} and returns it. */
    default float apply(Optimizer optimizer, float base, long t) {
        float v = (float) lr(base, t);
        optimizer.setLr(v);
        return v;
    }

    static LrSchedule constant() { return new Constant(); }
    static LrSchedule step(long stepSize, double gamma) { return new Step(stepSize, gamma); }
    static LrSchedule exponential(double gamma) { return new Exponential(gamma); }
    static LrSchedule cosine(long tMax, double etaMin) { return new Cosine(tMax, etaMin); }
    static LrSchedule warmup(long steps, double startFactor, LrSchedule then) { return new Warmup(steps, startFactor, then); }

    private static void checkStep(long t) {
        if (t < 0) {
            throw new IllegalArgumentException("schedule step must be >= 0, got " + t);
        }
    }

    record Constant() implements LrSchedule {
        @Override public double lr(double base, long t) { checkStep(t); return base; }
    }

    record Step(long stepSize, double gamma) implements LrSchedule {
        public Step {
            if (stepSize < 1 || !(gamma > 0) || !Double.isFinite(gamma)) {
                throw new IllegalArgumentException("step schedule needs stepSize >= 1 and a finite gamma > 0, got "
                        + stepSize + ", " + gamma);
            }
        }
        @Override public double lr(double base, long t) { checkStep(t); return base * Math.pow(gamma, t / stepSize); }
    }

    record Exponential(double gamma) implements LrSchedule {
        public Exponential {
            if (!(gamma > 0) || !Double.isFinite(gamma)) {
                throw new IllegalArgumentException("exponential schedule needs a finite gamma > 0, got " + gamma);
            }
        }
        @Override public double lr(double base, long t) { checkStep(t); return base * Math.pow(gamma, t); }
    }

    record Cosine(long tMax, double etaMin) implements LrSchedule {
        public Cosine {
            if (tMax < 1 || !(etaMin >= 0) || !Double.isFinite(etaMin)) {
                throw new IllegalArgumentException("cosine schedule needs tMax >= 1 and a finite etaMin >= 0, got "
                        + tMax + ", " + etaMin);
            }
        }
        @Override public double lr(double base, long t) {
            checkStep(t);
            return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
        }
    }

    record Warmup(long steps, double startFactor, LrSchedule then) implements LrSchedule {
        public Warmup {
            if (steps < 1 || !(startFactor > 0 && startFactor <= 1) || then == null) {
                throw new IllegalArgumentException("warm-up needs steps >= 1, 0 < startFactor <= 1 and a schedule "
                        + "to follow, got " + steps + ", " + startFactor + ", " + then);
            }
        }
        @Override public double lr(double base, long t) {
            checkStep(t);
            if (t < steps) {
                return base * (startFactor + (1 - startFactor) * t / steps);
            }
            return then.lr(base, t - steps);
        }
    }
}
