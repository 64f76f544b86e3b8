// SPDX-License-Identifier: Apache-2.0
/**
 * Model and checkpoint files. The weights are stored as
 * <a href="https://github.com/huggingface/safetensors">safetensors</a> (float32, PyTorch names such as
 * {@code 0.weight}), so {@code safetensors.torch.load_file} reads them; the architecture, the format
 * name and version and, for checkpoints, the optimizer and the training position sit in the
 * safetensors {@code __metadata__} string map of the same single file. Every write goes to a
 * temporary file in the target directory and is renamed into place atomically.
 */
package dev.gradus.io;
