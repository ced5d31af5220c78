package io.waddleperf.agent.status;

import io.waddleperf.agent.autoperf.ProbeOutcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The newest result of each probe (by tier and name), for the status page. Bounded: a configuration served by the
 * manager may rename probes many times over an agent's life, so the least recently updated entries beyond
 * {@value #MAX_PROBES} are forgotten.
 */
public final class LastResults {

    static final int MAX_PROBES = 200;

    private final Map<String, ProbeOutcome> byProbe = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ProbeOutcome> eldest) {
            return size() > MAX_PROBES;
        }
    };

    public synchronized void add(ProbeOutcome o) {
        byProbe.put(o.definition().tier() + "/" + o.definition().name(), o);
    }

    /** Keeps only the probes {@code keep} names ({@code tier/name}): those the running configuration has. */
    public synchronized void retain(java.util.Set<String> keep) {
        byProbe.keySet().retainAll(keep);
    }

    /** The newest outcome of every probe, by tier, then name. */
    public synchronized List<ProbeOutcome> list() {
        List<ProbeOutcome> out = new ArrayList<>(byProbe.values());
        out.sort(Comparator.comparingInt((ProbeOutcome o) -> o.definition().tier())
                .thenComparing(o -> o.definition().name()));
        return out;
    }
}
