package io.waddleperf.core.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The probe types (docs/RESULTS.md), spelled as they appear in JSON, URIs and the test API paths. */
public enum TestType {
    TCP, TLS, UDP, UDP_RAW, DNS, HTTP, SSH,
    ICMP, TRACEROUTE, MTR, MTU, HTTP_TRACE, TCP_TRACE, UDP_TRACE,
    IPERF3, SPEEDTEST, RPM;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static TestType fromWireName(String name) {
        for (TestType t : values()) {
            if (t.wireName().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown test_type '" + name + "'");
    }
}
