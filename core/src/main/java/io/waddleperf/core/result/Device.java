package io.waddleperf.core.result;

/** Identity of the machine a probe ran on or for (result field {@code device}, docs/RESULTS.md); any field may be null. */
public record Device(
        String serial,
        String hostname,
        String os,
        String osVersion,
        String clientType,
        String clientVersion) {

    public static final Device UNKNOWN = new Device(null, null, null, null, null, null);
}
