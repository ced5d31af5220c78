/**
 * The test server's HTTP API (SPEC §3.1): health and readiness, and {@code POST /api/v1/test/{type}}, which runs a
 * probe from the server toward a target after authentication, validation, target policy and admission limits.
 */
package io.waddleperf.testserver.api;
