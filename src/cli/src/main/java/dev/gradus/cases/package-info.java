// SPDX-License-Identifier: Apache-2.0
/**
 * Checks a network implementation against reference cases in the {@code gradus-case/1} and {@code gradus-case/2} JSON formats
 * (PyTorch-computed outputs, losses, gradients and optimizer trajectories; the format is described in
 * {@code shared/cases/README.md}): {@link dev.gradus.cases.CaseChecker}.
 */
package dev.gradus.cases;
