// SPDX-License-Identifier: Apache-2.0
/**
 * The seam between the model and the arithmetic: {@link dev.gradus.backend.Backend} lists every kernel
 * (GEMM, fused bias + activation, losses, dropout, optimizer updates, clipping) and states the contract
 * all implementations share (forward overwrites, parameter gradients accumulate, aliasing rules);
 * {@link dev.gradus.backend.Checks} holds the argument checks that every implementation runs first.
 * Implementations: {@code reference} (pure Java, the oracle) and {@code jni} (OpenBLAS and C++ kernels).
 */
package dev.gradus.backend;
