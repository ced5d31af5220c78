/** The test server: the far end of WaddlePerf's probes (responders, test API, admission limits). */
package io.waddleperf.testserver;
