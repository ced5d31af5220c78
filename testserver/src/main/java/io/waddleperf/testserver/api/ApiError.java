package io.waddleperf.testserver.api;

/** The JSON body of every refused request: {@code {"error": "...", "field": "..."}}, {@code field} omitted when none. */
public record ApiError(String error, String field) {
}
