/**
 * The test server's HTTP API (docs/TEST-API.md): health and readiness, and {@code POST /api/v1/test/{type}}, which runs a
 * probe from the server toward a target after authentication, validation, target policy and admission limits.
 */
package io.waddleperf.testserver.api;
