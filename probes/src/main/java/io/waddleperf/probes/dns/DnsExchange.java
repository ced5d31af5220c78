package io.waddleperf.probes.dns;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.probes.ChannelWatchdog;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * One DNS query/response exchange with a resolver, timed on the monotonic clock: UDP first and, when the UDP
 * answer is truncated (TC bit), the same question again over TCP (RFC 1035 §4.2, RFC 7766 §5); or TCP only.
 *
 * <p>dnsjava builds and parses the messages; the sockets are plain blocking ones on the probe's platform thread
 * rather than dnsjava's NIO clients, because {@code NioTcpClient} keeps one pooled connection per resolver for the
 * whole JVM — a per-attempt time would then include the TCP handshake only sometimes — and
 * {@code SimpleResolver} retries over TCP without telling whether it did. Every TCP exchange here opens a fresh
 * connection, as {@code dig +tcp} does, so the time of each attempt includes connect, query and answer. Over UDP
 * the clock runs from just before the write to just after the read of the answer, on a blocking channel whose
 * timeout is a {@link ChannelWatchdog} (docs/BENCHMARKS.md §5).
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
    private final ChannelWatchdog watchdog;
    /** Made at the first UDP exchange and kept for the run's others (one thread uses an exchange). */
    private ByteBuffer receiveBuffer;

    DnsExchange(MonotonicClock clock, InetSocketAddress resolver, Duration timeout, ChannelWatchdog watchdog) {
        this.clock = clock;
        this.watchdog = watchdog;
        this.resolver = resolver;
        this.timeout = timeout;
    }

    /**
     * Sends {@code query} ({@code wire}, its encoding, made beforehand) and returns the validated response;
     * {@code timeout} bounds the whole exchange, the TCP fallback included. Throws {@link SocketTimeoutException} when
     * no answer came in time.
     */
    Reply send(Message query, byte[] wire, boolean tcpOnly) throws IOException, ProbeException {
        if (tcpOnly) {
            long start = clock.nanos();
            long deadline = start + timeout.toNanos();
            byte[] answer = overTcp(wire, deadline);
            double elapsedMs = clock.millisSince(start);
            return new Reply(parse(query, answer), "tcp", false, answer.length, elapsedMs);
        }
        // The deadline is armed first (arming wakes the watchdog's thread) and everything but the send and the
        // receive happens before the clock starts: the channel, its connect, the buffers.
        try (ChannelWatchdog.Deadline udpDeadline = watchdog.arm(timeout.toNanos());
             DatagramChannel channel = DatagramChannel.open(resolver.getAddress() instanceof Inet6Address
                     ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET)) {
            udpDeadline.attach(channel);
            // Connected, so the kernel drops datagrams from other sources and reports ICMP port unreachable
            // as PortUnreachableException on receive.
            channel.connect(resolver);
            return overConnectedUdp(channel, query, wire);
        } catch (ClosedChannelException e) {
            throw ChannelWatchdog.timedOut(e, timeout);
        }
    }

    /** The UDP exchange on a channel connected to the resolver, with the TCP retry of a truncated answer. */
    private Reply overConnectedUdp(DatagramChannel channel, Message query, byte[] wire) throws IOException, ProbeException {
        ByteBuffer request = ByteBuffer.allocateDirect(wire.length).put(wire).flip();
        if (receiveBuffer == null) {
            receiveBuffer = ByteBuffer.allocateDirect(MAX_UDP_BYTES);
        }
        ByteBuffer buffer = receiveBuffer;
        long start = clock.nanos();
        long deadline = start + timeout.toNanos();
        long answered = overUdp(channel, request, buffer, query.getHeader().getID());
        // The query time ends when the answer arrived; copying and parsing it are not the resolver's time.
        double udpMs = (answered - start) / 1_000_000.0;
        byte[] answer = new byte[buffer.flip().remaining()];
        buffer.get(answer);
        Message response = parse(query, answer);
        if (!response.getHeader().getFlag(Flags.TC)) {
            return new Reply(response, "udp", false, answer.length, udpMs);
        }
        byte[] full = overTcp(wire, deadline);
        double elapsedMs = clock.millisSince(start);
        return new Reply(parse(query, full), "udp+tcp", true, full.length, elapsedMs);
    }

    /**
     * Sends {@code request} and reads into {@code buffer} until a datagram with the query's id arrives (the
     * watchdog's close ends the wait); returns the clock reading taken right after that read returned.
     */
    private long overUdp(DatagramChannel channel, ByteBuffer request, ByteBuffer buffer, int id) throws IOException {
        channel.write(request);
        while (true) {
            buffer.clear();
            channel.read(buffer);
            long now = clock.nanos();
            // A datagram with another ID is not our answer (late reply to an earlier query, or spoofing):
            // keep waiting for ours (RFC 5452 §9.1).
            if (buffer.position() >= 2 && (buffer.getShort(0) & 0xFFFF) == id) {
                return now;
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

    /**
     * The untimed warm-up, once per JVM (class initialisation is the once): the channel calls of a UDP exchange
     * and the parsing of an answer, done on a loopback channel connected to itself that receives its own
     * query, turned into a response by setting QR. A cold first query measured 8-18 ms against 0.2 ms warm
     * (docs/BENCHMARKS.md §5): the socket's send and receive paths and dnsjava's parser were loaded inside it. No
     * packet reaches the resolver. Best effort: without loopback the first query just starts colder.
     */
    static final class Warm {

        static {
            try (ChannelWatchdog watchdog = new ChannelWatchdog("dns-warm-up");
                 ChannelWatchdog.Deadline deadline = watchdog.arm(Duration.ofSeconds(1).toNanos());
                 DatagramChannel self = DatagramChannel.open(StandardProtocolFamily.INET)) {
                deadline.attach(self);
                self.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                self.connect(self.getLocalAddress());
                Message query = DnsProber.query(Record.newRecord(Name.fromString("warm-up.invalid."), Type.A, DClass.IN));
                byte[] wire = query.toWire();
                ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_UDP_BYTES);
                new DnsExchange(System::nanoTime, null, Duration.ofSeconds(1), watchdog)
                        .overUdp(self, ByteBuffer.allocateDirect(wire.length).put(wire).flip(), buffer, query.getHeader().getID());
                byte[] answer = new byte[buffer.flip().remaining()];
                buffer.get(answer);
                answer[2] |= (byte) 0x80; // QR: a response
                parse(query, answer);
            } catch (IOException | ProbeException | RuntimeException e) {
                // only means a colder first query
            }
        }

        static void ensure() {
            // initialising the class ran the warm-up
        }
    }

    /**
     * The second part of the warm-up, for runs of more than one query: what every attempt runs, from the query's
     * building to the attempt's record, repeated until C1 has compiled it (a one-shot run stops at C1, which compiles
     * a method after a few hundred calls, {@code DatagramChannelImpl.write} and {@code read} after 300-600 here). Each
     * round is an attempt's own code on a fresh channel connected to a loopback channel of ours standing in for the
     * resolver, which has put a response (QR set, the question and one A record, compressed as servers send it)
     * on the way before the query is sent. The loop costs tens of milliseconds, bounded by {@link #BUDGET_NANOS} on a
     * loaded machine. No packet reaches the resolver.
     *
     * <p>Why the whole attempt and not only the channel calls: a method that reaches C1's threshold during the timed
     * attempts queues a compilation, and the compiler thread, woken on the probe's CPU just as the query leaves, makes
     * the kernel wake the resolver on the other CPU, which costs the exchange a cross-CPU wake-up (0.1-0.2 ms on the
     * machines of docs/BENCHMARKS.md §5, where {@code bench/probe-placement.sh} shows it). With the channel calls alone
     * warmed, dnsjava's parsing and the attempt's bookkeeping crossed their thresholds between attempts 3 and 18.
     */
    static final class Compiled {

        static final int ROUND_TRIPS = 1000;
        static final long BUDGET_NANOS = Duration.ofMillis(150).toNanos();
        /** Rounds completed: the warm-up swallows its failures (it only saves time), so tests read this. */
        static final int ROUNDS_DONE;

        static {
            int done = 0;
            try (ChannelWatchdog watchdog = new ChannelWatchdog("dns-warm-up");
                 ChannelWatchdog.Deadline deadline = watchdog.arm(Duration.ofSeconds(2).toNanos());
                 DatagramChannel resolver = DatagramChannel.open(StandardProtocolFamily.INET)) {
                deadline.attach(resolver);
                resolver.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                InetSocketAddress resolverAddress = (InetSocketAddress) resolver.getLocalAddress();
                DnsExchange exchange = new DnsExchange(System::nanoTime, resolverAddress, Duration.ofSeconds(1), watchdog);
                Name name = Name.fromString("warm-up.invalid.");
                Record question = Record.newRecord(name, Type.A, DClass.IN);
                Record answerRecord = new ARecord(name, DClass.IN, 0, InetAddress.getLoopbackAddress());
                ByteBuffer drain = ByteBuffer.allocateDirect(MAX_UDP_BYTES);
                long start = System.nanoTime();
                for (int i = 1; i <= ROUND_TRIPS && System.nanoTime() - start < BUDGET_NANOS; i++) {
                    Message query = DnsProber.query(question);
                    Message response = new Message(query.getHeader().getID());
                    response.getHeader().setFlag(Flags.QR);
                    response.addRecord(question, Section.QUESTION);
                    response.addRecord(answerRecord, Section.ANSWER);
                    try (ChannelWatchdog.Deadline attempt = watchdog.arm(Duration.ofSeconds(1).toNanos());
                         DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
                        attempt.attach(channel);
                        channel.connect(resolverAddress);
                        resolver.send(ByteBuffer.wrap(response.toWire()), channel.getLocalAddress());
                        DnsProber.attempt(i, exchange.overConnectedUdp(channel, query, query.toWire()));
                        drain.clear();
                        resolver.receive(drain);
                    }
                    done = i;
                }
            } catch (IOException | ProbeException | RuntimeException e) {
                // only means more of an attempt runs interpreted a while longer
            }
            ROUNDS_DONE = done;
        }

        static void ensure() {
            // initialising the class ran the warm-up
        }
    }

    private int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long left = deadlineNanos - clock.nanos();
        if (left <= 0) {
            throw new SocketTimeoutException("no answer within " + timeout.toMillis() + " ms");
        }
        return ProbeContext.millis(Duration.ofNanos(left));
    }
}
