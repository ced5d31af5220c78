/**
 * The HTTP speed test's server side shared by the test server and the manager: LibreSpeed's endpoints
 * ({@code garbage}, {@code empty}, {@code getIP}), the random payload, the per-client stream and byte admission and
 * the stall guard (docs/PROTOCOL-http-speedtest.md).
 */
package io.waddleperf.speed;
