package io.waddleperf.core.result;

import java.util.Locale;

/**
 * The closed vocabulary of probe failures (docs/RESULTS.md, "Error kinds"). A result's {@code error} is the kind's wire name,
 * optionally followed by {@code ": "} and a detail, e.g. {@code tls_error: certificate expired}.
 */
public enum ErrorKind {
    TIMEOUT,
    CONNECTION_REFUSED,
    CONNECTION_RESET,
    DNS_FAILURE,
    HOST_UNREACHABLE,
    NETWORK_UNREACHABLE,
    TLS_ERROR,
    SSH_ERROR,
    AUTH_FAILED,
    PROTOCOL_ERROR,
    HTTP_ERROR,
    NO_REPLY,
    PACKET_LOSS,
    PERMISSION_DENIED,
    INVALID_TARGET,
    INTERNAL_ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The {@code error} field text: the wire name, with the detail appended when there is one. */
    public String describe(String detail) {
        return detail == null || detail.isBlank() ? wireName() : wireName() + ": " + detail;
    }
}
