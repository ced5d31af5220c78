package io.waddleperf.iperf3.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.iperf3.CpuMeter;
import io.waddleperf.iperf3.Protocol;
import io.waddleperf.iperf3.StreamResult;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.TestResults;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one client run: both sides' exchanged results, the client's intervals and CPU use, and the
 * connection facts stock iperf3 prints in {@code start}.
 *
 * @param cookie the test's cookie text
 * @param local results this client sent to the server
 * @param remote results the server sent back (its CPU use, its view of every stream, its output if asked for)
 * @param streams each stream as this client saw it, in stream order
 * @param sndbufActual SO_SNDBUF of the first data stream
 * @param rcvbufActual SO_RCVBUF of the first data stream
 * @param controlMss the control connection's MSS right after it was set up ({@code tcpi_snd_mss}, what iperf3 reads
 *     as {@code TCP_MAXSEG} for {@code tcp_mss_default}), -1 when its kernel figures could not be read
 */
public record Iperf3ClientResult(
        String host,
        int port,
        String cookie,
        Instant startedAt,
        TestParameters params,
        List<StreamInfo> streams,
        List<Iperf3Interval> intervals,
        CpuMeter.Usage localCpu,
        TestResults local,
        TestResults remote,
        int sndbufActual,
        int rcvbufActual,
        long controlMss) {

    public Iperf3ClientResult {
        streams = List.copyOf(streams);
        intervals = List.copyOf(intervals);
    }

    /** One data stream: its id, whether this client sends on it, and its socket's two ends. */
    public record StreamInfo(int id, boolean sender, InetSocketAddress local, InetSocketAddress remote) {
    }

    /**
     * One direction of the test summed over its streams: the sender's and the receiver's byte counts and running
     * times, and for UDP the packets, losses and jitter as the receiver counted them.
     *
     * @param retransmits TCP retransmits, -1 when the sender could not read them
     * @param packets UDP datagrams the receiver accounted for (highest sequence number, omit period excluded)
     * @param lostPackets UDP datagrams the receiver found missing (omit period excluded)
     * @param jitterSeconds mean of the streams' RFC 1889 jitter
     */
    public record Direction(long senderBytes, double senderSeconds, long receiverBytes, double receiverSeconds,
            long retransmits, long packets, long lostPackets, double jitterSeconds) {

        /** Receiver goodput in bit/s. */
        public double receiverBitsPerSecond() {
            return receiverSeconds > 0 ? receiverBytes * 8 / receiverSeconds : 0;
        }

        public double senderBitsPerSecond() {
            return senderSeconds > 0 ? senderBytes * 8 / senderSeconds : 0;
        }

        /** Lost datagrams in percent of those accounted for, as iperf3's summary line. */
        public double lostPercent() {
            return packets > 0 ? 100.0 * lostPackets / packets : 0;
        }
    }

    /** Client → server streams, or empty for {@code -R}. */
    public Optional<Direction> upstream() {
        return direction(true);
    }

    /** Server → client streams, or empty unless {@code -R} or {@code --bidir}. */
    public Optional<Direction> downstream() {
        return direction(false);
    }

    /** The streams on which the client sends ({@code clientSends}) or receives, both sides' results joined by id. */
    private Optional<Direction> direction(boolean clientSends) {
        long senderBytes = 0;
        long receiverBytes = 0;
        double senderSeconds = 0;
        double receiverSeconds = 0;
        long retransmits = 0;
        long packets = 0;
        long lost = 0;
        double jitter = 0;
        int n = 0;
        for (StreamInfo info : streams) {
            if (info.sender() != clientSends) {
                continue;
            }
            StreamResult mine = find(local, info.id());
            StreamResult theirs = find(remote, info.id());
            StreamResult sender = clientSends ? mine : theirs;
            StreamResult receiver = clientSends ? theirs : mine;
            senderBytes += sender.bytes();
            receiverBytes += receiver.bytes();
            senderSeconds = Math.max(senderSeconds, sender.endTimeSeconds());
            receiverSeconds = Math.max(receiverSeconds, receiver.endTimeSeconds());
            retransmits = retransmits < 0 || sender.retransmits() < 0 ? -1 : retransmits + sender.retransmits();
            if (params.protocol() == Protocol.UDP) {
                packets += receiver.packets() - receiver.omittedPackets();
                lost += receiver.errors() - receiver.omittedErrors();
                jitter += receiver.jitterSeconds();
            }
            n++;
        }
        if (n == 0) {
            return Optional.empty();
        }
        return Optional.of(new Direction(senderBytes, senderSeconds, receiverBytes, receiverSeconds, retransmits,
                packets, lost, jitter / n));
    }

    /** A stream's entry in one side's results; a missing id is an empty entry (the peer saw no such stream). */
    public static StreamResult find(TestResults results, int id) {
        return results.streams().stream().filter(s -> s.id() == id).findFirst()
                .orElse(new StreamResult(id, 0, -1, 0, 0, 0, 0, 0, 0));
    }

    /** The server's own iperf3-layout report when {@code --get-server-output} was asked for. */
    public Optional<JsonNode> serverOutputJson() {
        return Optional.ofNullable(remote.serverOutputJson());
    }
}
