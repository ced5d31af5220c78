package io.waddleperf.probes.udpraw;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.UdpRawSpec;
import io.waddleperf.probes.Attempts;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.Prober;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code udp_raw} prober: from one connected UDP socket, sends the spec's payload {@code count}
 * times {@code interval} apart and waits up to the timeout for any datagram back; the round trip time is from
 * the send to the first reply.
 *
 * <p>Outcome rule: success when at least one attempt got a reply. No reply at all is the failure
 * {@code no_reply}, never a success (the original reported every send as success). An ICMP port
 * unreachable (RFC 1122 §4.1.3.3: reported to a connected UDP socket as {@code ECONNREFUSED}) fails the
 * attempt as {@code connection_refused: port unreachable}; when no attempt got a reply and any was refused,
 * the probe fails with that, the more specific error. A reply that arrives after its attempt timed out is
 * discarded before the next send and counted in {@code raw_results.late_replies}, so it is never taken as the
 * next attempt's answer.
 */
public final class UdpRawProber implements Prober<UdpRawSpec> {

    public static final UdpRawProber INSTANCE = new UdpRawProber();

    /** Largest UDP payload over IPv4 (RFC 768 length field minus IP and UDP headers). */
    private static final int MAX_DATAGRAM_BYTES = 65_507;

    private UdpRawProber() {
    }

    private enum Outcome { REPLY, NO_REPLY, UNREACHABLE }

    @Override
    public void probe(UdpRawSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        InetAddress address = InetAddress.getByName(spec.endpoint().host());
        result.targetIp(address.getHostAddress());
        byte[] payload = spec.payload();
        ByteBuffer reply = ByteBuffer.allocate(MAX_DATAGRAM_BYTES + 1);
        double[] rttMs = new double[spec.count()];
        int replies = 0;
        int unreachable = 0;
        long sentBytes = 0;
        long receivedBytes = 0;
        int lateReplies = 0;
        List<Map<String, Object>> attempts = new ArrayList<>();
        try (DatagramChannel channel = DatagramChannel.open(address.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
             Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            channel.connect(new InetSocketAddress(address, spec.endpoint().port()));
            channel.register(selector, SelectionKey.OP_READ);
            long startNanos = context.clock().nanos();
            try {
                for (int i = 0; i < spec.count(); i++) {
                    Attempts.awaitSlot(context, startNanos, i, spec.interval());
                    lateReplies += discardPending(channel, reply);
                    Map<String, Object> attempt = new LinkedHashMap<>();
                    attempt.put("attempt", i + 1);
                    long t0 = context.clock().nanos();
                    Outcome outcome;
                    try {
                        channel.write(ByteBuffer.wrap(payload));
                        sentBytes += payload.length;
                        outcome = awaitReply(channel, selector, reply, context, t0 + spec.timeout().toNanos());
                    } catch (PortUnreachableException e) {
                        outcome = Outcome.UNREACHABLE;
                    }
                    switch (outcome) {
                        case REPLY -> {
                            double ms = Attempts.millis(context.clock().nanos() - t0);
                            rttMs[replies++] = ms;
                            receivedBytes += reply.position();
                            attempt.put("success", true);
                            attempt.put("rtt_ms", ms);
                            attempt.put("reply_bytes", reply.position());
                        }
                        case NO_REPLY -> {
                            attempt.put("success", false);
                            attempt.put("error", ErrorKind.NO_REPLY.wireName());
                        }
                        case UNREACHABLE -> {
                            unreachable++;
                            attempt.put("success", false);
                            attempt.put("error", ErrorKind.CONNECTION_REFUSED.describe("port unreachable"));
                        }
                    }
                    attempts.add(attempt);
                    result.packetsSent((long) (i + 1)).packetsReceived((long) replies)
                            .packetLossPercent(Attempts.lossPercent(i + 1, replies))
                            .sentBytes(sentBytes).receivedBytes(receivedBytes);
                }
            } finally {
                double[] samples = Arrays.copyOf(rttMs, replies);
                Attempts.putLatencyStats(result, samples);
                result.raw("payload_bytes", payload.length)
                        .raw("late_replies", lateReplies)
                        .raw("attempts", List.copyOf(attempts));
            }
        }
        if (replies == 0) {
            if (unreachable > 0) {
                throw new ProbeException(ErrorKind.CONNECTION_REFUSED, "port unreachable");
            }
            throw new ProbeException(ErrorKind.NO_REPLY, "no reply within " + spec.timeout().toMillis() + " ms to "
                    + spec.count() + (spec.count() == 1 ? " datagram" : " datagrams"));
        }
    }

    /** Waits until a datagram arrives (left in {@code reply}, its length the buffer position) or the deadline passes. */
    private static Outcome awaitReply(DatagramChannel channel, Selector selector, ByteBuffer reply, ProbeContext context,
                                      long deadlineNanos) throws IOException {
        while (true) {
            reply.clear();
            // receive, not read: read returns 0 both for "nothing yet" and for an empty datagram.
            if (channel.receive(reply) != null) {
                return Outcome.REPLY;
            }
            long leftNanos = deadlineNanos - context.clock().nanos();
            if (leftNanos <= 0) {
                return Outcome.NO_REPLY;
            }
            // select(0) would wait forever: wait at least a millisecond.
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(leftNanos)));
            selector.selectedKeys().clear();
            if (Thread.currentThread().isInterrupted()) {
                throw new ClosedByInterruptException();
            }
        }
    }

    /**
     * Reads and drops datagrams that arrived after an earlier attempt gave up, so they do not answer this one;
     * returns how many there were.
     */
    private static int discardPending(DatagramChannel channel, ByteBuffer buf) throws IOException {
        int dropped = 0;
        while (true) {
            buf.clear();
            try {
                if (channel.receive(buf) == null) {
                    return dropped;
                }
                dropped++;
            } catch (PortUnreachableException e) {
                // An ICMP error left over from an earlier send: that attempt already ended; nothing to drop.
                return dropped;
            }
        }
    }
}
