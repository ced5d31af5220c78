package io.waddleperf.probes.dns;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * One DNS query/response exchange with a resolver, timed on the monotonic clock: UDP first and, when the UDP
 * answer is truncated (TC bit), the same question again over TCP (RFC 1035 §4.2, RFC 7766 §5); or TCP only.
 *
 * <p>dnsjava builds and parses the messages; the sockets are plain blocking ones on the probe's (virtual) thread
 * rather than dnsjava's NIO clients, because {@code NioTcpClient} keeps one pooled connection per resolver for the
 * whole JVM — a per-attempt time would then include the TCP handshake only sometimes — and
 * {@code SimpleResolver} retries over TCP without telling whether it did. Every TCP exchange here opens a fresh
 * connection, as {@code dig +tcp} does, so the time of each attempt includes connect, query and answer.
 */
final class DnsExchange {

    /** The largest UDP answer we advertise in EDNS(0) (RFC 6891 §6.2.5): 1232 bytes, the DNS Flag Day 2020 value. */
    static final int EDNS_UDP_PAYLOAD_BYTES = 1232;
    /** A UDP datagram can never exceed this, so a receive buffer of this size never truncates silently. */
    private static final int MAX_UDP_BYTES = 65_535;

    /** The outcome of one exchange: the answer, how it travelled, and how long the querier waited for it. */
    record Reply(Message response, String transport, boolean truncatedUdp, int responseBytes, double elapsedMs) {
    }

    private final MonotonicClock clock;
    private final InetSocketAddress resolver;
    private final Duration timeout;

    DnsExchange(MonotonicClock clock, InetSocketAddress resolver, Duration timeout) {
        this.clock = clock;
        this.resolver = resolver;
        this.timeout = timeout;
    }

    /**
     * Sends {@code query} and returns the validated response; {@code timeout} bounds the whole exchange, the TCP
     * fallback included. Throws {@link SocketTimeoutException} when no answer came in time.
     */
    Reply send(Message query, boolean tcpOnly) throws IOException, ProbeException {
        byte[] wire = query.toWire();
        if (tcpOnly) {
            long start = clock.nanos();
            long deadline = start + timeout.toNanos();
            byte[] answer = overTcp(wire, deadline);
            double elapsedMs = clock.millisSince(start);
            return new Reply(parse(query, answer), "tcp", false, answer.length, elapsedMs);
        }
        try (DatagramSocket socket = new DatagramSocket()) {
            // Connected, so the kernel drops datagrams from other sources and reports ICMP port unreachable
            // as PortUnreachableException on receive.
            socket.connect(resolver);
            long start = clock.nanos();
            long deadline = start + timeout.toNanos();
            byte[] answer = overUdp(socket, query, wire, deadline);
            Message response = parse(query, answer);
            if (!response.getHeader().getFlag(Flags.TC)) {
                return new Reply(response, "udp", false, answer.length, clock.millisSince(start));
            }
            byte[] full = overTcp(wire, deadline);
            double elapsedMs = clock.millisSince(start);
            return new Reply(parse(query, full), "udp+tcp", true, full.length, elapsedMs);
        }
    }

    private byte[] overUdp(DatagramSocket socket, Message query, byte[] wire, long deadline) throws IOException {
        socket.send(new DatagramPacket(wire, wire.length));
        byte[] buffer = new byte[MAX_UDP_BYTES];
        while (true) {
            socket.setSoTimeout(remainingMillis(deadline));
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            // A datagram with another ID is not our answer (late reply to an earlier query, or spoofing):
            // keep waiting for ours (RFC 5452 §9.1).
            if (packet.getLength() >= 2 && idOf(packet.getData()) == query.getHeader().getID()) {
                return java.util.Arrays.copyOf(packet.getData(), packet.getLength());
            }
        }
    }

    private byte[] overTcp(byte[] wire, long deadline) throws IOException, ProbeException {
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(resolver, remainingMillis(deadline));
            socket.setSoTimeout(remainingMillis(deadline));
            // RFC 1035 §4.2.2: each message is preceded by its length as two octets; sent in one write (RFC 7766 §8).
            byte[] framed = new byte[wire.length + 2];
            framed[0] = (byte) (wire.length >>> 8);
            framed[1] = (byte) wire.length;
            System.arraycopy(wire, 0, framed, 2, wire.length);
            OutputStream out = socket.getOutputStream();
            out.write(framed);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int length = in.readUnsignedShort();
            byte[] answer = new byte[length];
            socket.setSoTimeout(remainingMillis(deadline));
            in.readFully(answer);
            return answer;
        } catch (EOFException e) {
            throw new ProbeException(ErrorKind.PROTOCOL_ERROR, "resolver closed the TCP connection before a complete answer", e);
        }
    }

    /** Parses and checks that {@code answer} is a response to {@code query} (RFC 1035 §4.1.1, RFC 5452 §9.1). */
    private static Message parse(Message query, byte[] answer) throws ProbeException {
        Message response;
        try {
            response = new Message(answer);
        } catch (IOException e) {
            throw new ProbeException(ErrorKind.PROTOCOL_ERROR, "malformed DNS answer: " + e.getMessage(), e);
        }
        if (response.getHeader().getID() != query.getHeader().getID()) {
            throw new ProbeException(ErrorKind.PROTOCOL_ERROR, "answer id " + response.getHeader().getID()
                    + " does not match query id " + query.getHeader().getID());
        }
        if (!response.getHeader().getFlag(Flags.QR)) {
            throw new ProbeException(ErrorKind.PROTOCOL_ERROR, "reply is a query, not a response (QR bit clear)");
        }
        Record asked = query.getQuestion();
        Record echoed = response.getQuestion();
        // Some servers leave the question out of error answers (e.g. FORMERR); when present it must be ours.
        if (echoed != null && !(echoed.getName().equals(asked.getName()) && echoed.getType() == asked.getType()
                && echoed.getDClass() == asked.getDClass())) {
            throw new ProbeException(ErrorKind.PROTOCOL_ERROR, "answer is for another question: " + echoed);
        }
        return response;
    }

    private static int idOf(byte[] data) {
        return ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
    }

    private int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long left = deadlineNanos - clock.nanos();
        if (left <= 0) {
            throw new SocketTimeoutException("no answer within " + timeout.toMillis() + " ms");
        }
        return ProbeContext.millis(Duration.ofNanos(left));
    }
}
