package io.waddleperf.probes.speedtest;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.SpeedtestSpec;
import io.waddleperf.core.stats.LatencyStats;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.Progress;
import io.waddleperf.probes.ProgressListener;
import io.waddleperf.probes.Prober;
import io.waddleperf.probes.trust.TlsTrust;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code speedtest} probe, measured the way LibreSpeed's web client does (docs/PROTOCOL-http-speedtest.md) but
 * reporting goodput (no overhead factor): pings first, then download and upload, each with parallel streams that
 * start staggered and re-request as soon as a response ends, a discarded grace period, a 200 ms tick, and an early
 * finish once the rate holds steady for two seconds.
 *
 * <p>With {@code tls=true} the server is checked as by the {@code http} probe ({@link TlsTrust}: {@code ca_file},
 * {@code verify}, host name, SNI); a certificate failure fails the result as {@code tls_error: <reason>} at the
 * first ping.
 */
public final class SpeedtestProber implements Prober<SpeedtestSpec> {

    public static final SpeedtestProber INSTANCE = new SpeedtestProber();

    static final Duration TICK = Duration.ofMillis(200);
    /** How long past its planned end a direction may run to get one rate when its grace period ended at the end. */
    private static final long LATE_RATE_NANOS = Duration.ofSeconds(1).toNanos();
    /** 10 ticks (2 s) within 3 % of each other count as stable. */
    static final int STABLE_TICKS = 10;
    static final double STABLE_TOLERANCE = 0.03;
    /** Bytes per download request (ours: size in MiB; LibreSpeed: ckSize) and per upload request. */
    static final int DOWNLOAD_MIB = 100;
    static final int UPLOAD_BYTES = 20 << 20;

    private SpeedtestProber() {
    }

    @Override
    public void probe(SpeedtestSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        String host = spec.endpoint().host();
        String authority = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + spec.endpoint().port();
        String base = (spec.tls() ? "https://" : "http://") + authority + spec.path();
        URI ping = URI.create(base + (spec.librespeed() ? "/empty.php" : "/speedtest/ping"));
        URI download = URI.create(base + (spec.librespeed() ? "/garbage.php?ckSize=" : "/speedtest/download?size=") + DOWNLOAD_MIB);
        URI upload = URI.create(base + (spec.librespeed() ? "/empty.php" : "/speedtest/upload"));
        TlsTrust trust = TlsTrust.of(spec.tlsClient());
        // the JDK client sends SNI and checks the host name itself; the trust decides what else is checked
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(spec.timeout()).sslContext(trust.context()).build()) {
            InetAddress address = InetAddress.getByName(host);
            synchronized (result) {
                result.targetIp(address.getHostAddress());
            }
            // a plain connect first: the JDK client reports a refused or unreachable server only as a closed channel
            double connectMs = ConnectCheck.connectMs(address, spec.endpoint().port(), spec.timeout());
            synchronized (result) {
                result.connectMs(connectMs);
            }
            // rounded as every result's latency figures, and so as the browser client and the test server give them
            LatencyStats idle = pings(http, ping, spec).roundedToMicroseconds();
            synchronized (result) {
                if (spec.tls()) {
                    result.raw("tls_verified", trust.verifies()); // false: verify=false skipped chain and host name checks
                }
                result.latencyMs(idle.avgMs()).minLatencyMs(idle.minMs()).maxLatencyMs(idle.maxMs())
                        .p50LatencyMs(idle.p50Ms()).p95LatencyMs(idle.p95Ms()).p99LatencyMs(idle.p99Ms())
                        .jitterMs(idle.jitterMs()).ipdvMs(idle.ipdvMs())
                        .stddevLatencyMs(idle.stddevMs());
            }
            Direction down = run(spec, "download", context.progress(), spec.downloadStreams(), spec.downloadGrace(), (stop, counter) -> {
                HttpRequest req = HttpRequest.newBuilder(withNonce(download)).timeout(spec.timeout())
                        .header("Accept-Encoding", "identity").build();
                HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    checkStatus(r.statusCode(), download);
                    byte[] buf = new byte[64 * 1024];
                    int n;
                    while (!stop.get() && (n = in.read(buf)) >= 0) {
                        counter.addAndGet(n);
                    }
                }
            });
            synchronized (result) {
                result.downloadMbps(down.rateBitsPerSecond / 1e6).receivedBytes(down.bytes);
                result.raw("download_streams", spec.downloadStreams()).raw("download_measured_ms", down.measuredMs);
            }
            Direction up = run(spec, "upload", context.progress(), spec.uploadStreams(), spec.uploadGrace(), (stop, counter) -> {
                HttpRequest req = HttpRequest.newBuilder(withNonce(upload)).timeout(spec.timeout().plus(spec.duration()))
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new UploadBody(UPLOAD_BYTES, stop, counter)))
                        .build();
                HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
                checkStatus(r.statusCode(), upload);
            });
            synchronized (result) {
                result.uploadMbps(up.rateBitsPerSecond / 1e6).sentBytes(up.bytes);
                result.raw("upload_streams", spec.uploadStreams()).raw("upload_measured_ms", up.measuredMs);
                result.raw("overhead_factor_librespeed", 1.06);
            }
        }
    }

    /** Sequential small requests; the first only warms the connection up (LibreSpeed and librespeed-cli both skip it). */
    private static LatencyStats pings(HttpClient http, URI ping, SpeedtestSpec spec) throws Exception {
        double[] rtts = new double[spec.pings()];
        for (int i = -1; i < spec.pings(); i++) {
            HttpRequest req = HttpRequest.newBuilder(withNonce(ping)).timeout(spec.timeout()).build();
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            double ms = (System.nanoTime() - t0) / 1e6;
            checkStatus(r.statusCode(), ping);
            if (i >= 0) {
                rtts[i] = ms;
            }
        }
        return LatencyStats.of(rtts);
    }

    /** One stream's request loop body: make one request, adding bytes to the counter as they move. */
    @FunctionalInterface
    private interface Transfer {
        void once(AtomicBoolean stop, AtomicLong counter) throws Exception;
    }

    private record Direction(double rateBitsPerSecond, long bytes, int measuredMs) {
    }

    /** One direction; every whole second it tells {@code progress} the bytes of that second (grace period included). */
    private static Direction run(SpeedtestSpec spec, String phase, ProgressListener progress, int streams, Duration grace,
                                 Transfer transfer) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong counter = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            long delayMs = spec.streamDelay().toMillis() * i;
            threads.add(Thread.ofVirtual().name("speedtest-stream-" + i).start(() -> {
                try {
                    Thread.sleep(delayMs);
                    while (!stop.get()) {
                        transfer.once(stop, counter);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (Exception e) {
                    if (!stop.get()) {
                        failure.compareAndSet(null, e);
                    }
                }
            }));
        }
        RateWindow window = new RateWindow(grace.toNanos(), STABLE_TICKS, STABLE_TOLERANCE);
        long endNanos = grace.plus(spec.duration()).toNanos();
        long measuredNanos = 0;
        long shownNanos = 0;
        long shownBytes = 0;
        try {
            while (true) {
                Thread.sleep(TICK);
                long elapsed = System.nanoTime() - start;
                long moved = counter.get();
                window.tick(elapsed, moved);
                if (elapsed - shownNanos >= 1_000_000_000L - TICK.toNanos() / 2) {
                    ProgressListener.tell(progress, Progress.of(phase, shownNanos / 1e9, elapsed / 1e9, moved - shownBytes,
                            elapsed < grace.toNanos() ? "warm-up, not counted" : null));
                    shownNanos = elapsed;
                    shownBytes = moved;
                }
                if (failure.get() != null && counter.get() == 0) {
                    throw failure.get();
                }
                // At the end, wait a little longer for a rate if the grace period ended only at the last tick (a loaded
                // machine delays ticks): stopping there reported 0 Mbit/s as a measurement.
                boolean over = elapsed >= endNanos && (window.hasRate() || elapsed >= endNanos + LATE_RATE_NANOS);
                if (over || window.stable()) {
                    measuredNanos = elapsed - Math.min(elapsed, grace.toNanos());
                    break;
                }
            }
        } finally {
            stop.set(true);
            threads.forEach(Thread::interrupt);
        }
        if (!window.measuring()) {
            throw failure.get() != null ? failure.get()
                    : new ProbeException(ErrorKind.NO_REPLY, "no bytes moved within " + grace.plus(spec.duration()).toMillis() + " ms");
        }
        if (!window.hasRate()) {
            throw failure.get() != null ? failure.get()
                    : new ProbeException(ErrorKind.NO_REPLY, "no bytes measured after the " + grace.toMillis()
                            + " ms warm-up: the transfer stalled or the machine is too busy to time it");
        }
        return new Direction(window.rateBitsPerSecond(), counter.get(), (int) (measuredNanos / 1_000_000));
    }

    private static void checkStatus(int status, URI uri) throws ProbeException {
        if (status != 200) {
            throw new ProbeException(ErrorKind.HTTP_ERROR, "status " + status + " from " + uri.getPath());
        }
    }

    /** A cache-buster as LibreSpeed's {@code r=} parameter, so no cache on the path answers for the server. */
    private static URI withNonce(URI uri) {
        String sep = uri.getQuery() == null ? "?" : "&";
        return URI.create(uri + sep + "r=" + ThreadLocalRandom.current().nextLong(1L << 53));
    }

    /** An upload body of up to {@code totalBytes}, counted as the client takes it; ends early once told to stop. */
    private static final class UploadBody extends InputStream {
        private static final byte[] PAYLOAD = randomPayload();
        private final AtomicBoolean stop;
        private final AtomicLong counter;
        private long remaining;

        UploadBody(long totalBytes, AtomicBoolean stop, AtomicLong counter) {
            this.remaining = totalBytes;
            this.stop = stop;
            this.counter = counter;
        }

        private static byte[] randomPayload() {
            byte[] b = new byte[1 << 20];
            new java.util.Random(ThreadLocalRandom.current().nextLong()).nextBytes(b);
            return b;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (remaining <= 0 || stop.get()) {
                return -1;
            }
            int n = (int) Math.min(Math.min(len, remaining), PAYLOAD.length);
            System.arraycopy(PAYLOAD, 0, b, off, n);
            remaining -= n;
            counter.addAndGet(n);
            return n;
        }
    }
}
