/** Pure building blocks shared by every WaddlePerf program: result model, units, statistics, clock, config, probe specs; no I/O. */
package io.waddleperf.core;
