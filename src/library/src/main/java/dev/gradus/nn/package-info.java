// SPDX-License-Identifier: Apache-2.0
/**
 * The model: a {@link dev.gradus.nn.Network} of layers described by {@link dev.gradus.nn.LayerSpec}
 * records (dense, activation, dropout) and a loss, with every parameter in one contiguous buffer and
 * every gradient in another. Call order for one training step:
 * {@code zeroGrad()}, {@code forward(x, target)}, {@code backward()}, then the optimizer's {@code step()}.
 */
package dev.gradus.nn;
