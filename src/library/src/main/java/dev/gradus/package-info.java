// SPDX-License-Identifier: Apache-2.0
/**
 * Gradus: neural networks (multilayer perceptrons) trained by backpropagation and gradient descent,
 * from Java, at native speed and numerically equal to PyTorch 1.13. This package holds the value types
 * everything else shares: {@link dev.gradus.Tensor} (an off-heap row-major float32 matrix with views),
 * {@link dev.gradus.Labels} (off-heap integer class labels), and the {@link dev.gradus.Activation} and
 * {@link dev.gradus.Loss} records. The arithmetic lives behind {@link dev.gradus.backend.Backend}.
 */
package dev.gradus;
