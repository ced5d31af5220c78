package io.waddleperf.probes.mtu;

import io.waddleperf.probes.Failures;
import io.waddleperf.probes.icmp.IcmpErrors;
import io.waddleperf.net.Errno;
import io.waddleperf.net.ExtendedError;
import io.waddleperf.net.IcmpEcho;
import io.waddleperf.net.IcmpSocket;
import io.waddleperf.net.LinuxNet;
import io.waddleperf.net.NativeException;
import java.net.InetAddress;
import java.time.Duration;

/**
 * Tries one total packet size with ICMP echo requests over an {@link IcmpSocket} in {@code IP_PMTUDISC_PROBE} mode
 * (DF set, the kernel's cached path MTU ignored, ip(7)), so every size up to the interface MTU really leaves. Each try
 * gets a fresh sequence number and waits {@code timeout} for the full-size reply or an error-queue report about that
 * request; up to {@code attempts} tries. Use from a platform thread.
 */
final class EchoSizeTester implements MtuSearch.SizeTester {

    /** IPv4 header without options (RFC 791) and the fixed IPv6 header (RFC 8200). */
    static final int IPV4_HEADER_BYTES = 20;
    static final int IPV6_HEADER_BYTES = 40;

    private final IcmpSocket socket;
    private final InetAddress target;
    private final int attempts;
    private final Duration timeout;
    private int sequence;

    EchoSizeTester(IcmpSocket socket, InetAddress target, int attempts, Duration timeout) {
        this.socket = socket;
        this.target = target;
        this.attempts = attempts;
        this.timeout = timeout;
    }

    /** Echo data bytes that make a packet of {@code totalBytes}: minus the IP and ICMP headers. */
    static int payloadBytes(int totalBytes, boolean ipv6) {
        return totalBytes - (ipv6 ? IPV6_HEADER_BYTES : IPV4_HEADER_BYTES) - IcmpEcho.HEADER_BYTES;
    }

    @Override
    public MtuSearch.Trial test(int sizeBytes) throws NativeException {
        int payload = payloadBytes(sizeBytes, socket.ipv6());
        byte[] data = new byte[payload];
        for (int i = 0; i < payload; i++) {
            data[i] = (byte) i; // ping's pattern, so a capture reads like iputils ping -s
        }
        int maxBytes = payload + IcmpEcho.HEADER_BYTES + 60;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            drainStale(maxBytes);
            int seq = sequence++ & 0xFFFF;
            long sentNanos = System.nanoTime();
            try {
                socket.send(target, seq, data);
            } catch (NativeException e) {
                if (e.errno() != Errno.EMSGSIZE) {
                    throw e;
                }
                return new MtuSearch.Trial(sizeBytes, new SizeOutcome.TooBigLocally(localMtu(maxBytes)), attempt);
            }
            SizeOutcome outcome = await(seq, payload, sentNanos, maxBytes);
            if (outcome != null) {
                return new MtuSearch.Trial(sizeBytes, outcome, attempt);
            }
        }
        return new MtuSearch.Trial(sizeBytes, new SizeOutcome.Vanished(), attempts);
    }

    /** The answer to request {@code seq} within the timeout, or null when none came. */
    private SizeOutcome await(int seq, int payload, long sentNanos, int maxBytes) throws NativeException {
        long deadline = sentNanos + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            IcmpSocket.Event event = socket.receive(Duration.ofNanos(left), maxBytes);
            switch (event) {
                case null -> {
                    return null;
                }
                case IcmpSocket.EchoReply r -> {
                    if (r.reply().sequence() == seq && r.reply().dataBytes() == payload) {
                        return new SizeOutcome.Reply((System.nanoTime() - sentNanos) / 1e6);
                    }
                }
                case IcmpSocket.ErrorReport e -> {
                    if (e.sequence() == seq && e.error().fromIcmp()) {
                        return classify(e.error());
                    }
                }
            }
        }
    }

    private SizeOutcome classify(ExtendedError error) {
        boolean v6 = error.origin() == LinuxNet.SO_EE_ORIGIN_ICMP6;
        // RFC 792 type 3 code 4 "fragmentation needed and DF set" (next-hop MTU per RFC 1191); RFC 4443 type 2.
        boolean tooBig = v6 ? error.icmpType() == 2 : error.icmpType() == 3 && error.icmpCode() == 4;
        if (tooBig) {
            return new SizeOutcome.FragNeeded(error.info(), error.offender());
        }
        Failures.Failure failure = IcmpErrors.classify(error, socket.ipv6());
        return new SizeOutcome.Unreachable(failure);
    }

    /**
     * Reads what is already waiting (late replies to earlier tries, their errors) so it cannot be mistaken for an
     * answer, and so a pending socket error does not fail the next send.
     */
    private void drainStale(int maxBytes) throws NativeException {
        while (socket.receive(Duration.ZERO, maxBytes) != null) {
            // stale: belongs to a request already decided
        }
    }

    /** The MTU the local stack named in its EMSGSIZE error-queue report (ip(7) IP_RECVERR), 0 when none was queued. */
    private int localMtu(int maxBytes) throws NativeException {
        IcmpSocket.Event event;
        while ((event = socket.receive(Duration.ZERO, maxBytes)) != null) {
            if (event instanceof IcmpSocket.ErrorReport e && !e.error().fromIcmp() && e.error().errno() == Errno.EMSGSIZE) {
                return e.error().info();
            }
        }
        return 0;
    }
}
