// SPDX-License-Identifier: Apache-2.0
/**
 * Model and checkpoint files. A model is one
 * <a href="https://github.com/huggingface/safetensors">safetensors</a> file: the weights as float32
 * tensors with PyTorch names and shapes ({@code 0.weight} {@code [out, in]}, {@code 0.bias} {@code [out]}),
 * so {@code safetensors.torch.load_file} reads them, and in its {@code __metadata__} string map the
 * format and version ({@code gradus-model/1}) and the architecture as JSON ({@link dev.gradus.io.ModelFile}).
 * A checkpoint adds the optimizer's state tensors, its config and step count, and the training
 * position ({@link dev.gradus.io.Checkpoint}). Every write goes to a temporary file in the target
 * directory and is renamed into place atomically ({@link dev.gradus.io.AtomicFile}).
 */
package dev.gradus.io;
