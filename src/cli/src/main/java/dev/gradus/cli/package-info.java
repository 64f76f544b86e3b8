// SPDX-License-Identifier: Apache-2.0
/**
 * The {@code gradus} command line ({@link dev.gradus.cli.Main}): {@code train}, {@code evaluate},
 * {@code predict}, {@code compare}, {@code check-cases} and {@code info}. Argument parsing,
 * progress output and files only; the work is done by the library.
 */
package dev.gradus.cli;
