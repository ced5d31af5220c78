/** How probes measure: the prober SPI, the runner that owns deadlines and failure bookkeeping, and the registry. */
package io.waddleperf.probes;
