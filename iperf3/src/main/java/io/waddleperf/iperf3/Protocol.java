package io.waddleperf.iperf3;

/** The transport of an iperf3 test's data streams (the {@code tcp}/{@code udp}/{@code sctp} parameter key). */
public enum Protocol {
    TCP("tcp"),
    UDP("udp"),
    SCTP("sctp");

    private final String key;

    Protocol(String key) {
        this.key = key;
    }

    /** The parameter key that selects this protocol, and the name iperf3 prints. */
    public String key() {
        return key;
    }
}
