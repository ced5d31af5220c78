/**
 * The test server's HTTP and HTTPS listeners: Javalin on Jetty with virtual threads, TLS 1.2+ with a configured
 * PEM certificate or a self-signed one made at first start and kept in the data folder (docs/TEST-API.md).
 */
package io.waddleperf.testserver.http;
