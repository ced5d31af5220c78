package io.waddleperf.core.autoperf;

import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Validated;
import java.util.List;

/**
 * A check of any numeric result field ({@code latency_ms}, {@code throughput_mbps}, …): crossed when the value
 * is above {@code above} or below {@code below} (exactly one of them); {@code probes} limits it to probes of
 * those names (empty: every probe of the tier that has the field).
 */
public record CustomThreshold(String name, String field, List<String> probes, Double above, Double below)
        implements Validated {

    public CustomThreshold {
        probes = List.copyOf(probes);
    }

    public static CustomThreshold defaults() {
        return new CustomThreshold(null, null, List.of(), null, null);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(name != null && AutoPerfConfig.NAME.matcher(name).matches(), "name",
                "a custom threshold needs a snake_case name");
        problems.require(field != null && ResultFields.isNumeric(field), "field",
                "'" + field + "' is not a numeric result field; one of "
                        + String.join(", ", ResultFields.numeric()));
        problems.require((above == null) != (below == null), "above", "give exactly one of above or below");
    }
}
