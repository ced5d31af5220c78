package io.waddleperf.app;

import io.waddleperf.iperf3.Protocol;
import io.waddleperf.iperf3.StreamResult;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.client.Iperf3Interval;
import io.waddleperf.iperf3.server.Iperf3ServerEvents;
import io.waddleperf.net.AddressText;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * The server's log in stock iperf3 3.12's words: "Server listening on 5201 (test #1)", the client's address, each
 * stream's ends, a line per stream and interval, and the summary lines marked sender or receiver from this server's
 * side. Tests served at once (more than one only with a raised limit) interleave their lines.
 */
final class Iperf3ServerLog implements Iperf3ServerEvents {

    private static final String RULE = "-----------------------------------------------------------";
    private static final String SEPARATOR = "- - - - - - - - - - - - - - - - - - - - - - - - -";

    private final PrintWriter out;
    private final Character format;
    private final boolean oneOff;
    private final Runnable stop;
    private int port;
    private int tests;

    /**
     * @param format iperf3's {@code -f}, or null
     * @param oneOff iperf3's {@code -1}: after the first test, {@code stop} instead of listening for the next
     */
    Iperf3ServerLog(PrintWriter out, Character format, boolean oneOff, Runnable stop) {
        this.out = out;
        this.format = format;
        this.oneOff = oneOff;
        this.stop = stop;
    }

    synchronized void listening(int boundPort) {
        this.port = boundPort;
        tests++;
        out.println(RULE);
        out.println("Server listening on " + port + " (test #" + tests + ")");
        out.println(RULE);
        out.flush();
    }

    @Override
    public synchronized void accepted(InetSocketAddress client) {
        out.println("Accepted connection from " + AddressText.of(client.getAddress()) + ", port " + client.getPort());
        out.flush();
    }

    @Override
    public synchronized void started(TestParameters params, List<Stream> streams) {
        for (Stream s : streams) {
            out.println(Iperf3Command.connectedLine(s.id(), s.local(), s.remote()));
        }
        boolean udp = params.protocol() == Protocol.UDP;
        boolean receives = streams.stream().anyMatch(s -> !s.sender());
        out.println("[ ID] Interval           Transfer     Bitrate"
                + (!udp ? "" : receives ? "         Jitter    Lost/Total Datagrams" : "         Total Datagrams"));
        out.flush();
    }

    @Override
    public synchronized void interval(TestParameters params, Iperf3Interval interval) {
        boolean udp = params.protocol() == Protocol.UDP;
        for (Iperf3Interval.Stream s : interval.streams()) {
            String line = head(s.id(), interval.startSeconds(), interval.endSeconds(), s.bytes());
            if (udp && !s.sender()) {
                long total = s.packets() + s.lost();
                line += String.format(Locale.ROOT, "  %.3f ms  %d/%d (%.2g%%)", s.jitterSeconds() * 1000, s.lost(),
                        total, total > 0 ? 100.0 * s.lost() / total : 0.0);
            } else if (udp) {
                line += "  " + s.packets();
            }
            out.println(line + (interval.omitted() ? "  (omitted)" : ""));
        }
        out.flush();
    }

    @Override
    public void finished(TestParameters params, List<StreamEnd> streams) {
        synchronized (this) {
            boolean udp = params.protocol() == Protocol.UDP;
            out.println(SEPARATOR);
            out.println("[ ID] Interval           Transfer     Bitrate" + (udp ? "         Jitter    Lost/Total Datagrams"
                    : ""));
            for (StreamEnd e : streams) {
                StreamResult r = e.result();
                String line = head(r.id(), 0, r.endTimeSeconds(), r.bytes());
                if (udp && !e.sender()) {
                    long total = r.packets() - r.omittedPackets();
                    line += String.format(Locale.ROOT, "  %.3f ms  %d/%d (%.2g%%)", r.jitterSeconds() * 1000,
                            r.errors(), total, total > 0 ? 100.0 * r.errors() / total : 0.0);
                }
                out.println(line + "  " + (e.sender() ? "sender" : "receiver"));
            }
            out.flush();
        }
        next();
    }

    @Override
    public void failed(String reason) {
        synchronized (this) {
            out.println("iperf3: error - " + reason);
            out.flush();
        }
        next();
    }

    private void next() {
        if (oneOff) {
            stop.run();
        } else {
            listening(port);
        }
    }

    private String head(int id, double from, double to, long bytes) {
        double seconds = to - from;
        return String.format(Locale.ROOT, "[%3d] %6.2f-%-6.2f sec  %s  %s", id, from, to, Iperf3Command.transfer(bytes),
                Iperf3Command.bitrate(seconds > 0 ? bytes * 8 / seconds : 0, format));
    }
}
