package io.waddleperf.probes.trace;

import io.waddleperf.core.result.Hop;
import io.waddleperf.core.stats.RunningStats;
import io.waddleperf.net.AddressText;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The per-hop summary of a trace's probes, with mtr's report columns (loss %, sent, last, avg, best, worst, stddev;
 * stddev is the sample standard deviation, as mtr's {@code StDev}) and a label saying what a hop's loss means.
 *
 * <p>Loss labels. A probe to hop {@code h + k} crosses hop {@code h}, so packets really lost on the path at or before
 * {@code h} are also missing at every later hop: the path loss at {@code h} is at most the smallest loss of any later
 * hop that answers. A router that rate-limits or deprioritises the ICMP errors it generates itself (Linux's
 * {@code icmp_ratelimit}, control-plane policing on hardware routers) shows loss that later hops do not have.
 * So each hop gets {@code path_loss_percent = min(own loss, loss of every later answering hop)} and {@code loss_kind}:
 * {@code none} (no loss), {@code path} (all of its loss carries on to later hops, or no later hop answers to tell),
 * {@code rate_limited_or_deprioritised} (later hops show none of it: not loss on the path) or
 * {@code path_and_rate_limited} (some carries on, the rest is the router's own). The {@code loss_percent} column stays
 * what was observed, as mtr shows it.
 */
final class HopTable {

    static final String NONE = "none";
    static final String PATH = "path";
    static final String RATE_LIMITED = "rate_limited_or_deprioritised";
    static final String PATH_AND_RATE_LIMITED = "path_and_rate_limited";

    /** One hop: the schema's columns and the details for {@code raw_results.hop_details}. */
    record Row(Hop hop, Map<String, Object> details) {
    }

    private final List<Row> rows;
    private final int destinationHop;
    private final double[] destinationRttsMs;

    private HopTable(List<Row> rows, int destinationHop, double[] destinationRttsMs) {
        this.rows = rows;
        this.destinationHop = destinationHop;
        this.destinationRttsMs = destinationRttsMs;
    }

    /** The round trips of the destination's answered probes in send order (empty when it never answered). */
    double[] destinationRttsMs() {
        return destinationRttsMs.clone();
    }

    List<Row> rows() {
        return rows;
    }

    /** The destination's hop number, or 0 when it never answered. */
    int destinationHop() {
        return destinationHop;
    }

    List<Hop> hops() {
        return rows.stream().map(Row::hop).toList();
    }

    List<Map<String, Object>> details() {
        return rows.stream().map(Row::details).toList();
    }

    /** The last row's reply annotation (e.g. {@code !H}) when the trace ended at an unreachable, else null. */
    String unreachableNote() {
        return rows.isEmpty() ? null : (String) rows.getLast().details().get("unreachable");
    }

    /**
     * Builds the table from every probe sent: hops 1 … the destination's (the smallest TTL the destination answered),
     * or when it never answered, 1 … the highest TTL probed ({@code lastTtl}). Probes past the destination are left
     * out. {@code names} maps addresses to reverse DNS names.
     */
    static HopTable of(List<PathProbe> probes, int lastTtl, Map<InetAddress, String> names) {
        int destination = probes.stream().filter(p -> p.answered() && p.reply().kind() == PathReply.Kind.REACHED)
                .mapToInt(PathProbe::ttl).min().orElse(0);
        int last = destination > 0 ? destination : lastTtl;
        TreeMap<Integer, List<PathProbe>> byTtl = new TreeMap<>();
        for (PathProbe p : probes) {
            if (p.ttl() <= last) {
                byTtl.computeIfAbsent(p.ttl(), t -> new ArrayList<>()).add(p);
            }
        }
        double[] loss = new double[last + 1];
        boolean[] answering = new boolean[last + 1];
        List<Row> rows = new ArrayList<>();
        for (int ttl = 1; ttl <= last; ttl++) {
            List<PathProbe> atHop = byTtl.getOrDefault(ttl, List.of());
            rows.add(row(ttl, atHop, names));
            long received = atHop.stream().filter(PathProbe::answered).count();
            loss[ttl] = atHop.isEmpty() ? 0 : 100.0 * (atHop.size() - received) / atHop.size();
            answering[ttl] = received > 0;
        }
        // Walk back from the far end keeping the smallest loss of the answering hops seen so far.
        double downstream = Double.NaN;
        for (int ttl = last; ttl >= 1; ttl--) {
            Map<String, Object> d = rows.get(ttl - 1).details();
            double own = loss[ttl];
            double path = Double.isNaN(downstream) ? own : Math.min(own, downstream);
            d.put("path_loss_percent", round(path));
            d.put("loss_kind", own == 0 ? NONE : path == own ? PATH : path == 0 ? RATE_LIMITED : PATH_AND_RATE_LIMITED);
            if (answering[ttl]) {
                downstream = Double.isNaN(downstream) ? own : Math.min(downstream, own);
            }
        }
        double[] destinationRtts = byTtl.getOrDefault(destination, List.of()).stream()
                .sorted(Comparator.comparingInt(PathProbe::serial)).filter(PathProbe::answered)
                .mapToDouble(p -> p.reply().rttMs()).toArray();
        return new HopTable(rows, destination, destinationRtts);
    }

    private static Row row(int ttl, List<PathProbe> atHop, Map<InetAddress, String> names) {
        RunningStats rtt = new RunningStats();
        Map<InetAddress, Integer> counts = new LinkedHashMap<>();
        PathProbe latest = null;
        String unreachable = null;
        String portState = null;
        List<Map<String, Object>> probeDetails = new ArrayList<>();
        for (PathProbe p : atHop.stream().sorted(Comparator.comparingInt(PathProbe::serial)).toList()) {
            Map<String, Object> pd = new LinkedHashMap<>();
            pd.put("probe", p.serial() + 1);
            PathReply r = p.reply();
            if (r == null) {
                pd.put("reply", "none");
            } else {
                rtt.add(r.rttMs());
                latest = p;
                if (r.from() != null) {
                    counts.merge(r.from(), 1, Integer::sum);
                }
                pd.put("reply", r.kind().name().toLowerCase(java.util.Locale.ROOT));
                if (r.from() != null) {
                    pd.put("from", AddressText.of(r.from()));
                }
                pd.put("rtt_ms", round(r.rttMs()));
                if (r.note() != null) {
                    pd.put("note", r.note());
                }
                if (r.kind() == PathReply.Kind.UNREACHABLE) {
                    unreachable = r.note();
                }
                if (r.kind() == PathReply.Kind.REACHED && r.note() != null) {
                    portState = r.note();
                }
            }
            probeDetails.add(pd);
        }
        // The address that answered most often names the hop (first on a tie); others (ECMP) are listed in details.
        InetAddress ip = counts.entrySet().stream().max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey).orElse(null);
        int sent = atHop.size();
        long received = rtt.count();
        Hop hop = new Hop(ttl, ip == null ? null : AddressText.of(ip), ip == null ? null : names.get(ip),
                sent == 0 ? null : round(100.0 * (sent - received) / sent), sent,
                latest == null ? null : round(latest.reply().rttMs()), received == 0 ? null : round(rtt.mean()),
                received == 0 ? null : round(rtt.min()), received == 0 ? null : round(rtt.max()),
                received < 2 ? null : round(rtt.sampleStddev()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("hop", ttl);
        if (hop.ip() != null) {
            details.put("ip", hop.ip()); // JSON leaves nulls out: a map with one would not survive a round trip
        }
        if (counts.size() > 1) {
            details.put("ips", counts.keySet().stream().map(AddressText::of).toList());
        }
        details.put("sent", sent);
        details.put("received", (int) received); // an int, as JSON reads it back
        if (unreachable != null) {
            details.put("unreachable", unreachable);
        }
        if (portState != null) {
            details.put("port_state", portState);
        }
        details.put("probes", probeDetails);
        return new Row(hop, details);
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
