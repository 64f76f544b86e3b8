// SPDX-License-Identifier: Apache-2.0
/**
 * Internal: not part of the API, it may change in any release. What both backends share and no
 * caller needs: {@code TorchScalars}, the scalars torch computes as Python floats (learning rates,
 * {@code 1 − beta}, bias corrections, dropout's scale), from which the reference and the native
 * backend take theirs so that their updates stay bit-identical. Public only because the two backends
 * live in packages of their own; left out of the Javadoc.
 */
package dev.gradus.backend.internal;
