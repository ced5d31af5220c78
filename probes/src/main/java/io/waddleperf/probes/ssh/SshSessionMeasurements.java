package io.waddleperf.probes.ssh;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.SshSpec;
import io.waddleperf.core.stats.LatencyStats;
import io.waddleperf.probes.ProbeException;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;

/**
 * What the {@code ssh} probe measures over an authenticated session: echo round trips through a remote
 * {@code cat} (sshping's method: the time from writing a line to reading the same bytes back, so it includes
 * both directions of the encrypted channel and the remote process) and the rate of streaming bytes into a
 * remote {@code cat > /dev/null} until the command has read them all and exited.
 */
final class SshSessionMeasurements {

    /** Copies its standard input to its standard output unbuffered; on every POSIX system. */
    static final String ECHO_COMMAND = "cat";
    static final String UPLOAD_COMMAND = "cat > /dev/null";
    private static final int UPLOAD_CHUNK_BYTES = 32 * 1024;
    private static final int STDERR_KEEP_BYTES = 512;

    private SshSessionMeasurements() {
    }

    /** Runs the echo round trips and then the upload, all within one {@code spec.timeout()} from now. */
    static void measure(ClientSession session, SshSpec spec, MonotonicClock clock, ProbeResult.Builder result)
            throws Exception {
        long deadline = System.nanoTime() + spec.timeout().toNanos();
        echo(session, spec.count(), deadline, clock, result);
        if (spec.uploadBytes() > 0) {
            upload(session, spec.uploadBytes(), deadline, clock, result);
        }
    }

    private static void echo(ClientSession session, int count, long deadline, MonotonicClock clock,
                             ProbeResult.Builder result) throws Exception {
        EchoSink sink = new EchoSink();
        BoundedBuffer stderr = new BoundedBuffer();
        try (ChannelExec channel = session.createExecChannel(ECHO_COMMAND)) {
            channel.setOut(sink);
            channel.setErr(stderr);
            long openStart = clock.nanos();
            open(channel, deadline, "echo");
            result.raw("channel_open_ms", SshProber.ms(clock.nanos() - openStart));
            OutputStream toRemote = channel.getInvertedIn();
            // Round 0 is not counted: the exec request races our first write, so its time includes starting the
            // remote process (and, on a cold JVM, class loading); it is reported beside the statistics.
            result.raw("echo_warmup_ms", SshProber.ms(roundTrip(0, count, toRemote, sink, channel, stderr, deadline, clock)));
            double[] rttMs = new double[count];
            int done = 0;
            try {
                for (; done < count; done++) {
                    rttMs[done] = SshProber.ms(roundTrip(done + 1, count, toRemote, sink, channel, stderr, deadline, clock));
                }
            } finally {
                // Partial round trips stay in a failed result (failures are results, with what was measured).
                reportEcho(Arrays.copyOf(rttMs, done), count, result);
            }
            channel.close(false);
        }
    }

    /** Writes one distinct line (so a late or duplicated echo cannot pass for this one) and times its return. */
    private static long roundTrip(int round, int count, OutputStream toRemote, EchoSink sink, ChannelExec channel,
                                  BoundedBuffer stderr, long deadline, MonotonicClock clock) throws Exception {
        byte[] line = ("waddleperf echo " + round + "\n").getBytes(StandardCharsets.US_ASCII);
        long sentNanos = clock.nanos();
        toRemote.write(line);
        toRemote.flush();
        EchoSink.Echo echo = sink.await(line, deadline);
        long rttNanos = clock.nanos() - sentNanos;
        return switch (echo) {
            case MATCHED -> rttNanos;
            case MISMATCHED -> throw new ProbeException(ErrorKind.PROTOCOL_ERROR,
                    "echo round trip " + round + " came back with other bytes than were sent");
            case ENDED -> throw new ProbeException(ErrorKind.SSH_ERROR, "remote '" + ECHO_COMMAND + "' ended before "
                    + (round == 0 ? "the first echo" : "echo round trip " + round + " of " + count) + exitDetail(channel, stderr));
            case TIMED_OUT -> throw new ProbeException(ErrorKind.TIMEOUT,
                    "echo round trip " + round + " of " + count + " not answered in time");
        };
    }

    private static void reportEcho(double[] rttMs, int requested, ProbeResult.Builder result) {
        result.raw("echo_requested", requested);
        result.raw("echo_completed", rttMs.length);
        if (rttMs.length == 0) {
            return;
        }
        LatencyStats stats = LatencyStats.of(rttMs);
        result.latencyMs(stats.avgMs())
                .minLatencyMs(stats.minMs())
                .maxLatencyMs(stats.maxMs())
                .p50LatencyMs(stats.p50Ms())
                .p95LatencyMs(stats.p95Ms())
                .p99LatencyMs(stats.p99Ms())
                .stddevLatencyMs(stats.stddevMs())
                .jitterMs(stats.jitterMs())
                .ipdvMs(stats.ipdvMs());
    }

    /**
     * Streams {@code bytes} into {@code cat > /dev/null} and times until the command's exit status, which the server
     * sends only after {@code cat} has read the end of its input, so the rate counts bytes that reached the remote
     * process, not bytes queued in a local buffer.
     *
     * <p>The rate is the channel's once it flows, not the start-up's: the first window's worth of bytes (the server's
     * initial window, e.g. 2 MiB for OpenSSH) leaves without waiting for the far end, and early writes also pay for
     * starting the remote command and for code the JVM has not compiled yet. So {@code upload_mbps} counts from the
     * first write after more than a window has been written — from then on every byte waits for window space the server
     * grants as {@code cat} consumes — to the exit status, over the bytes the server had not yet acknowledged at that
     * moment. An upload too small to get past the first window reports no rate (it would measure start-up), only
     * {@code upload_ms}.
     */
    private static void upload(ClientSession session, int bytes, long deadline, MonotonicClock clock,
                               ProbeResult.Builder result) throws Exception {
        BoundedBuffer stderr = new BoundedBuffer();
        try (ChannelExec channel = session.createExecChannel(UPLOAD_COMMAND)) {
            channel.setOut(OutputStream.nullOutputStream());
            channel.setErr(stderr);
            open(channel, deadline, "upload");
            // OpenSSH opens a session channel with a window of 0 and grants the real one once the command runs.
            long window = channel.getRemoteWindow().waitForSpace(Duration.ofMillis(SshProber.remainingMillis(deadline)));
            // Random content, so a compressing transport could not inflate the rate.
            byte[] chunk = new byte[UPLOAD_CHUNK_BYTES];
            new SplittableRandom().nextBytes(chunk);
            OutputStream toRemote = channel.getInvertedIn();
            long startNanos = clock.nanos();
            long flowingNanos = -1;
            long acknowledgedAtFlowing = 0;
            long written = 0;
            for (int left = bytes; left > 0; left -= chunk.length) {
                int n = Math.min(left, chunk.length);
                toRemote.write(chunk, 0, n);
                written += n;
                if (flowingNanos < 0 && written > window + chunk.length) {
                    flowingNanos = clock.nanos();
                    // window − what is left of it = bytes sent that the server has not yet granted back
                    long unacknowledged = Math.max(0, window - channel.getRemoteWindow().getSize());
                    acknowledgedAtFlowing = Math.max(0, written - unacknowledged);
                }
            }
            toRemote.close();
            var events = channel.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS, ClientChannelEvent.CLOSED),
                    SshProber.remainingMillis(deadline));
            long endNanos = clock.nanos();
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new ProbeException(ErrorKind.TIMEOUT, "upload of " + bytes + " bytes not finished in time");
            }
            Integer exit = channel.getExitStatus();
            if (exit == null || exit != 0) {
                throw new ProbeException(ErrorKind.SSH_ERROR, "remote '" + UPLOAD_COMMAND + "' failed" + exitDetail(channel, stderr));
            }
            result.sentBytes((long) bytes)
                    .raw("upload_ms", SshProber.ms(endNanos - startNanos))
                    .raw("upload_window_bytes", jsonCount(window))
                    .raw("upload_method", "exec: " + UPLOAD_COMMAND);
            if (flowingNanos < 0) {
                result.raw("upload_rate_omitted", "upload_bytes " + bytes + " does not exceed the server's window of "
                        + window + " bytes: a rate would measure the channel's start-up");
                return;
            }
            long timedBytes = bytes - acknowledgedAtFlowing;
            long timedNanos = endNanos - flowingNanos;
            result.uploadMbps(Math.round(timedBytes * 8.0 / (timedNanos / 1e9) / 1e6 * 1000.0) / 1000.0)
                    .raw("upload_timed_bytes", jsonCount(timedBytes))
                    .raw("upload_timed_ms", SshProber.ms(timedNanos));
        }
    }

    /** A count as JSON reads it back: an Integer when it fits (so a result survives a round trip), else a Long. */
    private static Object jsonCount(long n) {
        return n == (int) n ? (Object) (int) n : (Object) n;
    }

    private static void open(ChannelExec channel, long deadline, String purpose) throws Exception {
        OpenFuture open = channel.open();
        if (!open.await(SshProber.remainingMillis(deadline), TimeUnit.MILLISECONDS)) {
            throw new ProbeException(ErrorKind.TIMEOUT, "opening the " + purpose + " session channel");
        }
        if (!open.isOpened()) {
            Throwable t = open.getException();
            throw t == null ? new ProbeException(ErrorKind.SSH_ERROR, "the server refused the " + purpose + " session channel")
                    : SshProber.sshError(t, "opening the " + purpose + " session channel");
        }
    }

    private static String exitDetail(ChannelExec channel, BoundedBuffer stderr) {
        // The exit status may trail the end of output by a message or two (RFC 4254 §6.10).
        channel.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS, ClientChannelEvent.CLOSED), 500);
        Integer exit = channel.getExitStatus();
        String err = stderr.text();
        return (exit == null ? "" : " with exit status " + exit) + (err.isEmpty() ? "" : ": " + err);
    }

    /** Keeps the first bytes of the remote standard error for the error detail. */
    private static final class BoundedBuffer extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (bytes.size() < STDERR_KEEP_BYTES) {
                bytes.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, Math.max(0, Math.min(len, STDERR_KEEP_BYTES - bytes.size())));
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        }
    }
}
