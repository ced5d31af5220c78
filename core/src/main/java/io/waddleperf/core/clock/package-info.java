/** Time sources behind small interfaces so measurements and statistics are testable without sleeping. */
package io.waddleperf.core.clock;
