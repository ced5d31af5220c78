package io.waddleperf.manager.bench;

import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What the scale benchmark stores (bench/manager-scale.sh, docs/BENCHMARKS.md): a fleet of devices in OUs measuring
 * thousands of targets over the past year, and the results one device produces in a time window. Everything follows
 * from the seed, so every run and every phase sees the same fleet.
 *
 * <p>The fleet: {@link #OUS} OUs in different time zones; {@link #DEVICES} agents spread over them unevenly, each
 * on an access line (fibre, cable, DSL, LTE) that sets its throughput and adds latency, a fifth of them joining
 * during the year and a few silent for the last days (so device status varies); per OU {@link #OU_TARGETS} targets of
 * its own (tcp, icmp, http, dns, udp; a device picks four of them, popular ones more often), {@link #SHARED_TARGETS}
 * targets every device watches two of (the company's resolver, a SaaS front page …) and {@link #SERVERS} speed test
 * and iperf3 servers, one per device. Each target has a base latency (log-normal, 2–200 ms) and a few outages a year.
 *
 * <p>A device's results: each of its six series (target and type) runs as AutoPerf tier 1 on the device's schedule
 * (one interval for the whole fleet, set so that the fleet makes the requested number of results in a year), with
 * latency that follows the OU's evening peak (diurnal), log-normal noise, loss now and then, failures at a small base
 * rate plus during the target's outages. A tier 1 result that is slow (over twice the target's base) or failed is
 * followed by a tier 2 run of the same test minutes later, which escalates to a tier 3 mtr to the target's host when
 * it is bad as well. Users run the CLI or the browser speed test in office hours (no tier).
 */
final class ScaleData {

    static final int OUS = 12;
    static final int DEVICES = 2400;
    static final int OU_TARGETS = 250;
    static final int SHARED_TARGETS = 20;
    static final int SERVERS = 40;
    /** Tier 1 series per device: two shared targets, four of its OU's, one speed test or iperf3 server. */
    static final int SERIES_PER_DEVICE = 7;
    /** Results per tier 1 result, on average: escalations and users' own tests come on top (measured, about). */
    private static final double EXTRA_SHARE = 1.07;

    /** One target: its URI, type, host and behaviour. */
    record Target(String uri, TestType type, String host, Integer port, double baseMs, long[] outages) {
        boolean inOutage(long epochMillis) {
            for (int i = 0; i < outages.length; i += 2) {
                if (epochMillis >= outages[i] && epochMillis < outages[i + 1]) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One agent: serial, OU, access line, its series and the time it reports over. */
    record Agent(int index, String serial, String hostname, String os, int ou, String access, double accessMs,
                 double lineMbps, Target[] series, long activeFrom, long activeTo, double phase) {
    }

    private final long seed;
    private final Instant yearStart;
    private final Instant now;
    private final Target[] targets;
    private final Agent[] agents;
    /** Minutes between two tier 1 runs of one series. */
    private final double intervalMinutes;
    private final int[] ouUtcOffsetHours = new int[OUS];

    /**
     * @param results how many results the year should hold (about: the schedule is set to make that many)
     * @param now     the end of the year of results
     */
    ScaleData(long seed, long results, Instant now) {
        this.seed = seed;
        this.now = now;
        this.yearStart = now.minus(Duration.ofDays(365));
        Random rnd = new Random(seed);
        for (int o = 0; o < OUS; o++) {
            ouUtcOffsetHours[o] = -8 + (o * 17) / OUS;
        }
        List<Target> all = new ArrayList<>();
        TestType[] ouTypes = {TestType.TCP, TestType.TCP, TestType.ICMP, TestType.ICMP, TestType.HTTP, TestType.HTTP,
            TestType.DNS, TestType.UDP};
        for (int o = 0; o < OUS; o++) {
            for (int t = 0; t < OU_TARGETS; t++) {
                all.add(target(rnd, yearStart, ouTypes[rnd.nextInt(ouTypes.length)], "svc-" + t + ".ou" + o + ".example.net"));
            }
        }
        for (int t = 0; t < SHARED_TARGETS; t++) {
            all.add(target(rnd, yearStart, t % 3 == 0 ? TestType.DNS : t % 3 == 1 ? TestType.HTTP : TestType.ICMP,
                    "shared-" + t + ".example.com"));
        }
        for (int t = 0; t < SERVERS; t++) {
            all.add(target(rnd, yearStart, t % 2 == 0 ? TestType.SPEEDTEST : TestType.IPERF3, "speed-" + t + ".example.org"));
        }
        targets = all.toArray(Target[]::new);
        agents = new Agent[DEVICES];
        String[] accesses = {"fibre", "cable", "dsl", "lte"};
        double[] accessMs = {1, 6, 15, 30};
        double[] lineMbps = {900, 300, 40, 60};
        double seriesDays = 0;
        long yearMillis = Duration.ofDays(365).toMillis();
        for (int d = 0; d < DEVICES; d++) {
            // OUs of uneven size: the first ones are larger
            int ou = (int) Math.min(OUS - 1, Math.floor(Math.pow(rnd.nextDouble(), 1.6) * OUS));
            int a = rnd.nextInt(accesses.length);
            Target[] series = new Target[SERIES_PER_DEVICE];
            for (int s = 0; s < 2; s++) {
                series[s] = targets[OUS * OU_TARGETS + zipf(rnd, SHARED_TARGETS)];
            }
            for (int s = 2; s < 6; s++) {
                series[s] = targets[ou * OU_TARGETS + zipf(rnd, OU_TARGETS)];
            }
            series[6] = targets[OUS * OU_TARGETS + SHARED_TARGETS + rnd.nextInt(SERVERS)];
            long from = yearStart.toEpochMilli();
            if (rnd.nextInt(5) == 0) {
                from += (long) (rnd.nextDouble() * yearMillis);
            }
            long to = now.toEpochMilli();
            if (rnd.nextInt(25) == 0) {
                // silent for up to ten days: stale or offline in the device list
                to -= (long) (rnd.nextDouble() * Duration.ofDays(10).toMillis());
            }
            String os = switch (rnd.nextInt(10)) {
                case 0, 1 -> "windows";
                case 2 -> "darwin";
                default -> "linux";
            };
            agents[d] = new Agent(d, String.format("SN-%05d", d), String.format("agent-%05d.ou%d.example", d, ou), os,
                    ou, accesses[a], accessMs[a], lineMbps[a], series, from, Math.max(from + 1, to),
                    rnd.nextDouble());
            seriesDays += SERIES_PER_DEVICE * (to - from) / 86_400_000.0;
        }
        double tier1PerSeriesDay = results / EXTRA_SHARE / Math.max(1, seriesDays);
        intervalMinutes = 1440.0 / tier1PerSeriesDay;
    }

    private static Target target(Random rnd, Instant yearStart, TestType type, String host) {
        double base = Math.min(200, Math.max(2, Math.exp(Math.log(20) + rnd.nextGaussian() * 0.9)));
        long[] outages = new long[2 * (1 + rnd.nextInt(4))];
        long year = Duration.ofDays(365).toMillis();
        long start = yearStart.toEpochMilli();
        for (int i = 0; i < outages.length; i += 2) {
            outages[i] = start + (long) (rnd.nextDouble() * year);
            outages[i + 1] = outages[i] + (long) (Duration.ofMinutes(30).toMillis() * (1 + rnd.nextInt(12)));
        }
        return switch (type) {
            case TCP -> new Target("tcp://" + host + ":443", type, host, 443, base, outages);
            case HTTP -> new Target("https://" + host + "/", type, host, 443, base * 3, outages);
            case DNS -> new Target("dns://" + host + "/www.example.com?type=A", type, host, 53, base, outages);
            case UDP -> new Target("udp://" + host + ":9000", type, host, 9000, base, outages);
            case SPEEDTEST -> new Target("speedtest://" + host + ":8080", type, host, 8080, base, outages);
            case IPERF3 -> new Target("iperf3://" + host + ":5201", type, host, 5201, base, outages);
            case MTR -> new Target("mtr://" + host, type, host, null, base, outages);
            default -> new Target("icmp://" + host, type, host, null, base, outages);
        };
    }

    /** 0 … n-1, low ranks more often (roughly Zipf with s = 1). */
    private static int zipf(Random rnd, int n) {
        return (int) Math.min(n - 1, Math.floor(Math.exp(rnd.nextDouble() * Math.log(n + 1)) - 1));
    }

    Instant yearStart() {
        return yearStart;
    }

    Agent agent(int index) {
        return agents[index];
    }

    Target[] targets() {
        return targets.clone();
    }

    double intervalMinutes() {
        return intervalMinutes;
    }

    /** The OU's evening peak: 0 at night, 1 at 20:00 local time. */
    private double busy(int ou, long epochMillis) {
        double hour = ((epochMillis / 3_600_000.0) + ouUtcOffsetHours[ou]) % 24;
        if (hour < 0) {
            hour += 24;
        }
        double d = Math.abs(hour - 20);
        return Math.max(0, 1 - Math.min(d, 24 - d) / 6);
    }

    private boolean officeHours(int ou, long epochMillis) {
        double hour = ((epochMillis / 3_600_000.0) + ouUtcOffsetHours[ou]) % 24;
        if (hour < 0) {
            hour += 24;
        }
        long day = Math.floorDiv(epochMillis + ouUtcOffsetHours[ou] * 3_600_000L, 86_400_000L);
        // 1970-01-01 was a Thursday: days 2 and 3 of the week are Saturday and Sunday
        int weekday = (int) Math.floorMod(day, 7L);
        return hour >= 8 && hour < 18 && weekday != 2 && weekday != 3;
    }

    /**
     * The results agent {@code index} makes with start times in {@code [from, to)}, in time order of its series'
     * runs. Deterministic for the agent and window.
     */
    List<ProbeResult> results(int index, long from, long to) {
        Agent a = agents[index];
        long lo = Math.max(from, a.activeFrom);
        long hi = Math.min(to, a.activeTo);
        List<ProbeResult> out = new ArrayList<>();
        if (lo >= hi) {
            return out;
        }
        Random rnd = new Random(seed * 31 + index * 1_000_003L + from);
        long step = (long) (intervalMinutes * 60_000);
        Device device = new Device(a.serial, a.hostname, a.os, null, "agent", "1.4.0");
        for (int s = 0; s < a.series.length; s++) {
            Target t = a.series[s];
            // each device and series on its own phase of the schedule, so the fleet does not run in lock step
            long phase = (long) (((a.phase + s / (double) a.series.length) % 1.0) * step);
            long first = Math.floorDiv(lo - phase, step) * step + phase;
            for (long at = first; at < hi; at += step) {
                long when = at + (long) ((rnd.nextDouble() - 0.5) * step * 0.2);
                if (when < lo || when >= hi) {
                    continue;
                }
                ProbeResult r = run(rnd, a, t, t.type, when, 1, Source.AGENT, device);
                out.add(r);
                boolean bad = !r.success() || (r.latencyMs() != null && r.latencyMs() > 2 * (t.baseMs + a.accessMs));
                if (bad && rnd.nextInt(10) < 7) {
                    long w2 = when + 60_000 + rnd.nextInt(240_000);
                    if (w2 < hi) {
                        ProbeResult r2 = run(rnd, a, t, t.type, w2, 2, Source.AGENT, device);
                        out.add(r2);
                        boolean bad2 = !r2.success() || (r2.latencyMs() != null && r2.latencyMs() > 2 * (t.baseMs + a.accessMs));
                        long w3 = w2 + 60_000 + rnd.nextInt(120_000);
                        if (bad2 && w3 < hi) {
                            Target mtr = new Target("mtr://" + t.host, TestType.MTR, t.host, null, t.baseMs, t.outages);
                            out.add(run(rnd, a, mtr, TestType.MTR, w3, 3, Source.AGENT, device));
                        }
                    }
                }
                // users' own tests in office hours: the CLI against one of the device's targets, or the browser
                // speed test, about one for every 8 scheduled runs in office hours
                if (rnd.nextInt(8) == 0 && officeHours(a.ou, when)) {
                    long w = when + rnd.nextInt(600_000);
                    if (w < hi) {
                        boolean browser = rnd.nextBoolean();
                        Target u = browser ? a.series[6] : a.series[2 + rnd.nextInt(4)];
                        out.add(run(rnd, a, u, u.type, w, null, browser ? Source.BROWSER : Source.CLI, device));
                    }
                }
            }
        }
        return out;
    }

    /** One run of {@code type} against {@code t} at {@code when}. */
    private ProbeResult run(Random rnd, Agent a, Target t, TestType type, long when, Integer tier, Source source,
                            Device device) {
        double busy = busy(a.ou, when);
        boolean outage = t.inOutage(when);
        double failP = 0.004 + 0.01 * busy + (outage ? 0.8 : 0);
        boolean ok = rnd.nextDouble() >= failP;
        ProbeResult.Builder b = ProbeResult.builder().id(UuidV7.next()).testType(type).target(t.uri).targetHost(t.host)
                .targetPort(t.port).startedAt(Instant.ofEpochMilli(when)).success(ok).tier(tier).source(source)
                .device(device);
        double latency = (t.baseMs + a.accessMs) * (1 + 0.6 * busy) * Math.exp(rnd.nextGaussian() * 0.25);
        if (rnd.nextInt(200) == 0) {
            latency *= 5 + rnd.nextInt(20); // a spike
        }
        double loss = rnd.nextInt(30) == 0 ? 1 + rnd.nextInt(10) * (1 + busy) : 0.0;
        switch (type) {
            case SPEEDTEST, IPERF3 -> {
                double mbps = a.lineMbps * Math.exp(rnd.nextGaussian() * 0.2) * (1 - 0.35 * busy);
                b.durationMs(ok ? 10_000.0 + rnd.nextInt(2000) : 5000.0);
                if (ok) {
                    b.throughputMbps(mbps);
                    if (type == TestType.SPEEDTEST) {
                        b.latencyMs(latency).jitterMs(latency * 0.08 * Math.exp(rnd.nextGaussian() * 0.5))
                                .downloadMbps(mbps).uploadMbps(mbps * (a.access.equals("fibre") ? 0.9 : 0.2));
                    } else {
                        b.downloadMbps(mbps).uploadMbps(mbps * 0.5).retransmits((long) rnd.nextInt(50));
                    }
                }
            }
            case HTTP -> {
                b.durationMs(ok ? latency * 1.1 : 10_000.0);
                if (ok) {
                    b.latencyMs(latency).connectMs(latency / 4).tlsMs(latency / 3).ttfbMs(latency * 0.8)
                            .statusCode(200).throughputMbps(Math.min(a.lineMbps, 5 + rnd.nextDouble() * 40));
                }
            }
            default -> {
                b.durationMs(ok ? latency * 4 + 3 : 4000.0);
                b.packetsSent(4L);
                if (ok) {
                    long received = Math.round(4 * (1 - loss / 100.0));
                    b.latencyMs(latency).minLatencyMs(latency * 0.9).maxLatencyMs(latency * 1.3)
                            .jitterMs(latency * 0.05 * Math.exp(rnd.nextGaussian() * 0.5)).packetsReceived(received)
                            .packetLossPercent(loss);
                } else {
                    b.packetsReceived(0L).packetLossPercent(100.0);
                }
                if (type == TestType.MTR) {
                    b.hopCount(6 + rnd.nextInt(12));
                }
            }
        }
        if (!ok) {
            b.error(outage ? "timeout: no answer within 4 s" : switch (rnd.nextInt(4)) {
                case 0 -> "connection_refused";
                case 1 -> "host_unreachable: no route";
                case 2 -> "connection_reset";
                default -> "timeout: no answer within 4 s";
            });
        }
        return b.build();
    }
}
