/**
 * Typed, strict configuration for every WaddlePerf program: immutable records loaded from defaults, a YAML file,
 * environment variables and flags (in that order of precedence), with every unknown key, type error and failed
 * validation reported at once by its key path and source (docs/ARCHITECTURE.md, "Configuration").
 *
 * <p>Entry point: {@link io.waddleperf.core.config.ConfigLoader}.
 */
package io.waddleperf.core.config;
