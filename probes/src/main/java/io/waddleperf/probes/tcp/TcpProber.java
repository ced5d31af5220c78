package io.waddleperf.probes.tcp;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.TcpSpec;
import io.waddleperf.probes.Attempts;
import io.waddleperf.probes.Failures;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.Prober;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code tcp} prober: resolves the host once, then makes {@code count} TCP connects
 * {@code interval} apart, each bounded by the spec's timeout and timed on the monotonic clock from the
 * {@code connect} call until the three-way handshake completed.
 *
 * <p>Outcome rule: the probe succeeds when at least one attempt connected; failed attempts then show as
 * {@code packet_loss_percent} (failed share of attempts) and in {@code raw_results.attempts}. When every
 * attempt failed the probe fails with the first attempt's error ({@code connection_refused}, {@code timeout},
 * …). A name that does not resolve fails as {@code dns_failure} before any attempt.
 */
public final class TcpProber implements Prober<TcpSpec> {

    public static final TcpProber INSTANCE = new TcpProber();

    private TcpProber() {
    }

    @Override
    public void probe(TcpSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        InetAddress address = InetAddress.getByName(spec.endpoint().host());
        result.targetIp(address.getHostAddress());
        InetSocketAddress remote = new InetSocketAddress(address, spec.endpoint().port());
        int timeoutMs = ProbeContext.millis(spec.timeout());

        double[] connectMs = new double[spec.count()];
        int connected = 0;
        Exception firstFailure = null;
        List<Map<String, Object>> attempts = new ArrayList<>();
        long startNanos = context.clock().nanos();
        for (int i = 0; i < spec.count(); i++) {
            Attempts.awaitSlot(context, startNanos, i, spec.interval());
            Map<String, Object> attempt = new LinkedHashMap<>();
            attempt.put("attempt", i + 1);
            long t0 = context.clock().nanos();
            try (Socket socket = new Socket()) {
                socket.connect(remote, timeoutMs);
                double ms = Attempts.millis(context.clock().nanos() - t0);
                connectMs[connected++] = ms;
                attempt.put("success", true);
                attempt.put("connect_ms", ms);
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                firstFailure = firstFailure == null ? e : firstFailure;
                attempt.put("success", false);
                attempt.put("elapsed_ms", Attempts.millis(context.clock().nanos() - t0));
                attempt.put("error", Failures.classify(e).describe());
            }
            attempts.add(attempt);
            result.packetsSent((long) (i + 1)).packetsReceived((long) connected)
                    .packetLossPercent(Attempts.lossPercent(i + 1, connected));
        }
        double[] samples = Arrays.copyOf(connectMs, connected);
        result.raw("attempts", attempts);
        result.connectMs(Attempts.mean(samples));
        Attempts.putLatencyStats(result, samples);
        if (connected == 0) {
            throw firstFailure;
        }
    }
}
