package io.waddleperf.testserver.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers DNS queries over UDP and TCP (RFC 1035 §4.2, RFC 7766) on one port for one zone: A and AAAA of every
 * name in the zone resolve to the configured addresses, other types get an empty NOERROR, names outside the zone
 * get REFUSED (it is not a recursive resolver), and malformed messages are dropped and counted. The answer logic
 * lives in {@link DnsZone}; this class only frames and moves bytes, with limits on TCP connections and idle time.
 */
public final class DnsResponder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DnsResponder.class);
    /** RFC 1035's classic UDP payload limit; our answers (one record) always fit. */
    private static final int UDP_MAX = 512;
    static final int MAX_TCP_CONNECTIONS = 64;
    static final int TCP_IDLE_TIMEOUT_MS = 5_000;

    /** Counters for health pages and tests. */
    public record Stats(long answered, long dropped) {
    }

    private final DnsZone zone;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Semaphore tcpSlots = new Semaphore(MAX_TCP_CONNECTIONS);
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    private DnsResponder(DnsZone zone, DatagramSocket udp, ServerSocket tcp) {
        this.zone = zone;
        this.udp = udp;
        this.tcp = tcp;
    }

    /** Binds UDP and TCP on the same port (port 0 picks a free port usable for both) and starts answering. */
    public static DnsResponder start(InetSocketAddress bind, DnsZone zone) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            DatagramSocket udp = new DatagramSocket(bind);
            try {
                ServerSocket tcp = new ServerSocket();
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(bind.getAddress(), udp.getLocalPort()), 64);
                DnsResponder r = new DnsResponder(zone, udp, tcp);
                Thread.ofPlatform().daemon().name("dns-udp").start(r::serveUdp);
                Thread.ofVirtual().name("dns-tcp-accept").start(r::acceptTcp);
                LOG.info("DNS responder for zone {} on {} (udp+tcp)", zone.origin(), r.localAddress());
                return r;
            } catch (IOException e) {
                udp.close();
                last = e;
                if (bind.getPort() != 0) {
                    break; // a fixed port that TCP cannot take will not free itself by retrying
                }
            }
        }
        throw last;
    }

    public int port() {
        return udp.getLocalPort();
    }

    public InetSocketAddress localAddress() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    public Stats stats() {
        return new Stats(answered.get(), dropped.get());
    }

    private void serveUdp() {
        byte[] buf = new byte[UDP_MAX * 8];
        DatagramPacket packet = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                packet.setData(buf);
                udp.receive(packet);
                byte[] reply = zone.answer(buf, packet.getLength(), UDP_MAX);
                if (reply == null) {
                    dropped.incrementAndGet();
                    continue;
                }
                udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                answered.incrementAndGet();
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("udp receive/send failed: {}", e.toString());
                }
            }
        }
    }

    private void acceptTcp() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                if (!tcpSlots.tryAcquire()) {
                    dropped.incrementAndGet();
                    s.close(); // over the connection limit: refuse rather than queue
                    continue;
                }
                Thread.ofVirtual().name("dns-tcp").start(() -> {
                    try (s) {
                        serveTcp(s);
                    } catch (IOException e) {
                        LOG.debug("tcp connection ended: {}", e.toString());
                    } finally {
                        tcpSlots.release();
                    }
                });
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("tcp accept failed: {}", e.toString());
                }
            }
        }
    }

    /** RFC 7766 §8: each message is preceded by a two-byte length; several queries may share a connection. */
    private void serveTcp(Socket s) throws IOException {
        s.setSoTimeout(TCP_IDLE_TIMEOUT_MS);
        DataInputStream in = new DataInputStream(s.getInputStream());
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        while (!closed) {
            int length;
            try {
                length = in.readUnsignedShort();
            } catch (EOFException | SocketException e) {
                return;
            }
            byte[] query = in.readNBytes(length);
            if (query.length < length) {
                dropped.incrementAndGet();
                return;
            }
            byte[] reply = zone.answer(query, length, 65_535);
            if (reply == null) {
                dropped.incrementAndGet();
                return;
            }
            out.writeShort(reply.length);
            out.write(reply);
            out.flush();
            answered.incrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            LOG.debug("closing tcp listener: {}", e.toString());
        }
    }

    /** The addresses answered for the zone's names when none are configured: the bind address, or loopback. */
    public static InetAddress defaultAnswer(InetAddress bind) {
        return bind.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bind;
    }
}
