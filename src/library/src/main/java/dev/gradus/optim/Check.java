// SPDX-License-Identifier: Apache-2.0
package dev.gradus.optim;

/** Argument checks shared by the hyperparameter records; messages name the torch argument. */
final class Check {
    private Check() {}

    static void finite(String name, float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be finite, got " + v);
        }
    }

    static void nonNegative(String name, float v) {
        if (!(v >= 0) || !Float.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite value >= 0, got " + v);
        }
    }
}
