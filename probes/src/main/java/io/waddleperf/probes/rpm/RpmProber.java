package io.waddleperf.probes.rpm;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.RpmSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.Prober;
import io.waddleperf.probes.Progress;
import io.waddleperf.probes.ProgressListener;
import io.waddleperf.probes.trust.TlsTrust;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code rpm} probe (docs/PROTOCOL-http-speedtest.md) after draft-ietf-ippm-responsiveness -09: reads {@code /.well-known/nq} (either
 * key spelling), measures idle latency, then adds load connections each interval while sending foreign probes (new
 * connections: {@code tcp_f}, {@code tls_f}, {@code http_f}) and self probes ({@code http_l}); stops once goodput
 * and responsiveness are stable (stddev of the last MAD moving averages below SDT % of the current one) or at the
 * maximum duration. Over HTTP/1.1 a busy load connection cannot carry a probe, so self probes run on persistent
 * connections opened beside the load: they share the path's queues but not the load socket's send buffer.
 *
 * <p>With {@code tls=true} every connection, the config request's included, checks the server as the {@code http}
 * probe does ({@link TlsTrust}: {@code ca_file}, {@code verify}, host name, SNI); a certificate failure on the
 * config or idle connection fails the result as {@code tls_error: <reason>}.
 */
public final class RpmProber implements Prober<RpmSpec> {

    public static final RpmProber INSTANCE = new RpmProber();
    static final int IDLE_PROBES = 10;

    private RpmProber() {
    }

    private record Sample(int interval, double ms) {
    }

    private record Urls(URI small, URI large, URI upload) {
    }

    @Override
    public void probe(RpmSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        String host = spec.endpoint().host();
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + spec.endpoint().port();
        URI base = URI.create((spec.tls() ? "https://" : "http://") + authority + "/");
        InetAddress address = InetAddress.getByName(host);
        synchronized (result) {
            result.targetIp(address.getHostAddress());
        }
        int timeoutMs = ProbeContext.millis(spec.timeout());
        // also without tls=true: the server's config may name https URLs, checked by default then
        TlsTrust trust = TlsTrust.of(spec.tlsClient());
        // a plain connect first: the JDK client reports a refused or unreachable server only as a closed channel
        double connectMs = io.waddleperf.probes.speedtest.ConnectCheck.connectMs(address, spec.endpoint().port(), spec.timeout());
        synchronized (result) {
            result.connectMs(connectMs);
        }
        Urls urls = config(base, timeoutMs, trust);
        if (spec.tls()) {
            synchronized (result) {
                result.raw("tls_verified", trust.verifies()); // false: verify=false skipped chain and host name checks
            }
        }

        List<Double> idle = new ArrayList<>();
        try (Http1Connection c = Http1Connection.open(urls.small(), timeoutMs, trust)) {
            for (int i = 0; i < IDLE_PROBES; i++) {
                idle.add(c.getMs(urls.small()));
            }
        }
        double idleMs = TrimmedMean.of(idle, spec.trimmedMeanPercent());
        synchronized (result) {
            result.latencyMs(idleMs).minLatencyMs(Collections.min(idle));
        }

        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean probing = new AtomicBoolean(true);
        AtomicLong bytes = new AtomicLong();
        AtomicInteger interval = new AtomicInteger();
        List<Sample> tcp = Collections.synchronizedList(new ArrayList<>());
        List<Sample> tlsF = Collections.synchronizedList(new ArrayList<>());
        List<Sample> httpF = Collections.synchronizedList(new ArrayList<>());
        List<Sample> httpL = Collections.synchronizedList(new ArrayList<>());
        Queue<Http1Connection> selfPool = new ConcurrentLinkedQueue<>();
        List<Http1Connection> loads = Collections.synchronizedList(new ArrayList<>());
        List<Thread> probes = Collections.synchronizedList(new ArrayList<>());
        byte[] chunk = new byte[64 * 1024];
        new java.util.Random().nextBytes(chunk);

        // Load connections on platform threads: a load reader that always finds data never parks, and on virtual
        // threads two of them could hold both carriers of a 2-core machine while the probes they are measuring wait.
        Runnable addLoad = () -> Thread.ofPlatform().daemon().name("rpm-load").start(() -> {
            URI target = spec.direction().equals("upload") ? urls.upload() : urls.large();
            try (Http1Connection c = Http1Connection.open(target, timeoutMs, trust)) {
                loads.add(c);
                Http1Connection.ByteSink sink = n -> {
                    bytes.addAndGet(n);
                    return !stop.get();
                };
                if (spec.direction().equals("upload")) {
                    c.upload(target, chunk, sink);
                } else {
                    c.stream(target, sink);
                }
            } catch (IOException e) {
                // a load connection that fails or is closed at the end simply stops adding bytes
            }
        });
        Thread prober = Thread.ofVirtual().name("rpm-probes").start(() -> {
            while (probing.get()) {
                probes.add(Thread.ofVirtual().start(() -> {
                    int at = interval.get();
                    try (Http1Connection f = Http1Connection.open(urls.small(), timeoutMs, trust)) {
                        double http = f.getMs(urls.small());
                        tcp.add(new Sample(at, f.connectMs));
                        if (spec.tls()) {
                            tlsF.add(new Sample(at, f.tlsMs));
                        }
                        httpF.add(new Sample(at, http));
                    } catch (IOException e) {
                        // a probe lost under load is not a sample; the draft counts only completed probes
                    }
                    Http1Connection self = selfPool.poll();
                    try {
                        if (self == null) {
                            self = Http1Connection.open(urls.small(), timeoutMs, trust);
                        }
                        httpL.add(new Sample(at, self.getMs(urls.small())));
                        selfPool.add(self);
                        if (stop.get()) { // a probe that outlived the wait: the pool was closed without it
                            drain(selfPool);
                        }
                    } catch (IOException e) {
                        closeQuietly(self);
                    }
                }));
                try {
                    Thread.sleep(spec.probeInterval());
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        int mad = spec.movingAverageIntervals();
        List<Double> goodput = new ArrayList<>();
        List<Double> goodputAverages = new ArrayList<>();
        List<Double> rpmAverages = new ArrayList<>();
        boolean goodputStable = false;
        boolean rpmStable = false;
        int connections = 0;
        long intervalNanos = spec.interval().toNanos();
        long start = System.nanoTime();
        long lastBytes = 0;
        try {
            for (int i = 0; i < spec.connectionsPerInterval(); i++) {
                addLoad.run();
                connections++;
            }
            while (System.nanoTime() - start < spec.maxDuration().toNanos()) {
                Thread.sleep(spec.interval());
                long now = bytes.get();
                long goodputBytes = now - lastBytes;
                goodput.add(goodputBytes * 8.0 / (intervalNanos / 1e9));
                lastBytes = now;
                int at = interval.incrementAndGet();
                goodputAverages.add(mean(tail(goodput, mad)));
                goodputStable = stable(goodputAverages, mad, spec.stabilityPercent());
                if (!goodputStable && connections < spec.maxConnections()) {
                    for (int i = 0; i < spec.connectionsPerInterval() && connections < spec.maxConnections(); i++) {
                        addLoad.run();
                        connections++;
                    }
                }
                double rpm = responsiveness(at, mad, spec, tcp, tlsF, httpF, httpL);
                if (!Double.isNaN(rpm)) {
                    rpmAverages.add(rpm);
                }
                double endSeconds = (System.nanoTime() - start) / 1e9;
                ProgressListener.tell(context.progress(), new Progress(spec.direction(), endSeconds - intervalNanos / 1e9,
                        endSeconds, goodputBytes, goodput.getLast() / 1e6, connections + " connections"
                        + (Double.isNaN(rpm) || Double.isInfinite(rpm) ? "" : ", " + Math.round(rpm) + " RPM")));
                rpmStable = goodputStable && stable(rpmAverages, mad, spec.stabilityPercent());
                if (rpmStable) {
                    break;
                }
            }
        } finally {
            probing.set(false);
            prober.interrupt();
            awaitProbes(prober, probes, timeoutMs);
            stop.set(true);
            synchronized (loads) {
                loads.forEach(RpmProber::closeQuietly);
            }
            drain(selfPool);
        }
        int last = interval.get();
        double loadedMs = TrimmedMean.of(values(httpL, last, mad), spec.trimmedMeanPercent());
        double rpm = responsiveness(last, mad, spec, tcp, tlsF, httpF, httpL);
        if (Double.isNaN(rpm) || Double.isNaN(loadedMs)) {
            throw new ProbeException(ErrorKind.NO_REPLY, "no probe completed under load within "
                    + spec.maxDuration().toMillis() + " ms");
        }
        double foreignMs = foreignMs(last, mad, spec, tcp, tlsF, httpF);
        synchronized (result) {
            result.rpm(rpm).loadedLatencyMs(loadedMs)
                    .throughputMbps(goodputAverages.isEmpty() ? 0.0 : goodputAverages.getLast() / 1e6)
                    .receivedBytes(spec.direction().equals("download") ? bytes.get() : null)
                    .sentBytes(spec.direction().equals("upload") ? bytes.get() : null);
            result.raw("foreign_rpm", 60_000 / foreignMs).raw("loaded_rpm", 60_000 / loadedMs)
                    .raw("load_connections", connections).raw("intervals", last)
                    .raw("confidence", rpmStable ? "high" : last >= mad ? "medium" : "low")
                    .raw("self_probes", httpL.size()).raw("foreign_probes", httpF.size());
        }
    }

    /**
     * Waits, the load still on, up to {@code timeoutMs} for the probes already sent: on a loaded machine a probe
     * (a TLS handshake above all) can take longer than the last intervals, which are the ones the result is made of,
     * and closing the load under it would turn a slow sample into none.
     */
    private static void awaitProbes(Thread prober, List<Thread> probes, int timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        try {
            prober.join(java.time.Duration.ofMillis(timeoutMs));
            List<Thread> sent;
            synchronized (probes) {
                sent = List.copyOf(probes);
            }
            for (Thread t : sent) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(java.time.Duration.ofNanos(left))) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Responsiveness = (Foreign + Loaded) / 2 over the last MAD intervals (draft "Aggregating the Measurements"). */
    private static double responsiveness(int last, int mad, RpmSpec spec, List<Sample> tcp, List<Sample> tls,
                                         List<Sample> httpF, List<Sample> httpL) {
        double foreignMs = foreignMs(last, mad, spec, tcp, tls, httpF);
        double loadedMs = TrimmedMean.of(values(httpL, last, mad), spec.trimmedMeanPercent());
        return (60_000 / foreignMs + 60_000 / loadedMs) / 2;
    }

    /** Foreign RTT: mean of TM(tcp_f), TM(tls_f), TM(http_f); without TLS the TCP-only variant's two. */
    private static double foreignMs(int last, int mad, RpmSpec spec, List<Sample> tcp, List<Sample> tls, List<Sample> httpF) {
        double p = spec.trimmedMeanPercent();
        double t = TrimmedMean.of(values(tcp, last, mad), p);
        double h = TrimmedMean.of(values(httpF, last, mad), p);
        return spec.tls() ? (t + TrimmedMean.of(values(tls, last, mad), p) + h) / 3 : (t + h) / 2;
    }

    private static List<Double> values(List<Sample> samples, int last, int mad) {
        synchronized (samples) {
            return samples.stream().filter(s -> s.interval() > last - mad).map(Sample::ms).toList();
        }
    }

    /** Stable when the stddev of the last MAD values is below SDT % of the current one. */
    private static boolean stable(List<Double> averages, int mad, double percent) {
        if (averages.size() < mad) {
            return false;
        }
        List<Double> recent = tail(averages, mad);
        return TrimmedMean.stddev(recent) < percent / 100 * recent.getLast();
    }

    private static List<Double> tail(List<Double> list, int n) {
        return list.subList(Math.max(0, list.size() - n), list.size());
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }

    private static Urls config(URI base, int timeoutMs, TlsTrust trust) throws IOException, ProbeException {
        URI configUri = base.resolve("/.well-known/nq");
        java.net.http.HttpClient.Builder client = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofMillis(timeoutMs))
                .sslContext(trust.context()); // the JDK client itself sends SNI and checks the host name
        try (java.net.http.HttpClient http = client.build()) {
            var r = http.send(java.net.http.HttpRequest.newBuilder(configUri)
                    .timeout(java.time.Duration.ofMillis(timeoutMs)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new ProbeException(ErrorKind.HTTP_ERROR, "status " + r.statusCode() + " from " + configUri.getPath());
            }
            JsonNode urls = Json.mapper().readTree(r.body()).path("urls");
            return new Urls(url(urls, "small_download_url", "small_https_download_url"),
                    url(urls, "large_download_url", "large_https_download_url"),
                    url(urls, "upload_url", "https_upload_url"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted reading the responsiveness config");
        }
    }

    private static URI url(JsonNode urls, String key, String olderKey) throws ProbeException {
        String v = urls.path(key).asText(urls.path(olderKey).asText(""));
        if (v.isEmpty()) {
            throw new ProbeException(ErrorKind.PROTOCOL_ERROR, "responsiveness config names no " + key);
        }
        return URI.create(v);
    }

    private static void drain(Queue<Http1Connection> pool) {
        for (Http1Connection c = pool.poll(); c != null; c = pool.poll()) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Http1Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // closing at the end of the test; nothing to report
            }
        }
    }
}
