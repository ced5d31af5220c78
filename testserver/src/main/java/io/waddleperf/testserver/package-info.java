/**
 * The far end of WaddlePerf tests ({@code waddleperf testserver}, SPEC §3): its configuration and the
 * {@link io.waddleperf.testserver.TestServer} that starts and stops every listener.
 */
package io.waddleperf.testserver;
