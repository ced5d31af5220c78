package io.waddleperf.core.result;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which kind of program produced a result (result field {@code source}, docs/RESULTS.md). */
public enum Source {
    CLI, AGENT, TESTSERVER, BROWSER;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Source fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
