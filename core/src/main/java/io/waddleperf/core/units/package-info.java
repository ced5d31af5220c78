/**
 * The one syntax for durations, sizes and bit rates shared by CLI flags, YAML configuration and environment
 * variables, and their stable human-readable forms.
 */
package io.waddleperf.core.units;
