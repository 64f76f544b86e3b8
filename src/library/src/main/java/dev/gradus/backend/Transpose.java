// SPDX-License-Identifier: Apache-2.0
package dev.gradus.backend;

/** Whether GEMM uses a matrix as stored ({@code NO}) or its transpose ({@code YES}). */
public enum Transpose {
    NO, YES
}
