package io.waddleperf.testserver.api;

import io.waddleperf.core.result.Device;
import java.time.Duration;

/**
 * A validated test API request body (docs/TEST-API.md). Null means "not given". {@code device} already merges the
 * {@code X-Device-*} headers with the body's {@code device_*} fields.
 */
public record TestRequest(String target, String protocol, Integer port, Duration timeout, Integer count, String method,
                          String query, Device device) {
}
