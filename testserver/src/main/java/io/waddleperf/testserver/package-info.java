/**
 * The test server, the far end of WaddlePerf's probes ({@code waddleperf testserver}, docs/TEST-API.md): its configuration
 * and the {@link io.waddleperf.testserver.TestServer} that starts and stops every listener; responders, the test
 * API and admission limits live in the sub-packages.
 */
package io.waddleperf.testserver;
