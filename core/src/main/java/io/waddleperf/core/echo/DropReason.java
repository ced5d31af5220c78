package io.waddleperf.core.echo;

import java.util.Locale;

/**
 * Why an echo datagram was dropped instead of answered or accepted (docs/PROTOCOL-udp-echo.md §6); the
 * server counts drops by these reasons and the client counts invalid replies by them.
 */
public enum DropReason {
    /** Shorter than the magic, or the first four bytes are not the magic: not this protocol at all. */
    NOT_ECHO,
    /** Shorter than the header its version and flags require (the header includes room for the reply fields). */
    TOO_SHORT,
    /** A version this implementation does not speak. */
    UNKNOWN_VERSION,
    /** A reserved flag bit is set. */
    BAD_FLAGS,
    /** A reply sent where a request was expected, or a request where a reply was expected. */
    WRONG_DIRECTION,
    /** Authentication is required but the datagram carries none. */
    AUTH_MISSING,
    /** The key id names no known token (or the datagram is authenticated where no token is configured). */
    UNKNOWN_KEY,
    /** The MAC does not match the datagram. */
    BAD_MAC,
    /** The source exceeded its rate limit; assigned by the responder, never by the codec. */
    RATE_LIMITED;

    /** The snake_case name used in stats and results. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
