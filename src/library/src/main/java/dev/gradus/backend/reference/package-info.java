// SPDX-License-Identifier: Apache-2.0
/**
 * The pure-Java backend, {@link dev.gradus.backend.reference.ReferenceBackend}: plain loops with sums in
 * double, written to be obviously correct rather than fast. It is the oracle the native kernels are
 * tested against and the fallback where no native library loads. Its activations and losses follow
 * PyTorch 1.13's formulas (exact GELU through {@code Erf}), its optimizer updates reproduce
 * {@code torch.optim}'s single-tensor path bit for bit in float32 ({@code OptimizerRules}), and
 * {@code DropoutHash} defines the dropout mask shared by every backend.
 */
package dev.gradus.backend.reference;
