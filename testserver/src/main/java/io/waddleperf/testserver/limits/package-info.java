/**
 * Admission limits of the test API: a token bucket per client for the request rate and counters for running
 * tests per client and in total (enforced, not just configured: docs/TEST-API.md).
 */
package io.waddleperf.testserver.limits;
