/**
 * Admission limits of the test API: a token bucket per client for the request rate and counters for running
 * tests per client and in total (SPEC §3.1 "enforced, not just configured").
 */
package io.waddleperf.testserver.limits;
