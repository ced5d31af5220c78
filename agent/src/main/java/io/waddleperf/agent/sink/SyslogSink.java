package io.waddleperf.agent.sink;

import io.waddleperf.agent.outbox.Sink;
import io.waddleperf.agent.outbox.SpooledResult;
import io.waddleperf.core.result.ProbeResult;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Sends each result as one RFC 5424 message ({@link SyslogMessage}) to a syslog receiver: over UDP (RFC 5426, one
 * datagram per message), TCP with octet-counting framing ({@code LEN SP MSG}, RFC 6587 §3.4.1) or TLS (RFC 5425, the
 * same framing). A stream connection is kept open between batches and opened again after any failure.
 * <p>
 * Syslog has no acknowledgement: a batch counts as delivered when every message was handed to the network without
 * an error. A refused UDP port shows up as an error on a later send, a closed or unreachable TCP/TLS receiver as a
 * failed connect or write; both fail the batch, which the outbox sends again. So delivery is at least once, and each
 * message carries the result's {@code id} in its structured data for a receiver that wants to drop repeats. A
 * batch's sending is bounded by {@code timeout}: a receiver that stops reading gets its connection closed.
 */
public final class SyslogSink implements Sink {

    /** How a message reaches the receiver. */
    public enum Transport { UDP, TCP, TLS }

    private final Transport transport;
    private final String host;
    private final int port;
    private final int facility;
    private final String hostname;
    private final String appName;
    private final SSLContext tls;
    private final boolean verifyHost;
    private final int batchSize;
    private final Duration timeout;
    private final int maxMessageBytes;
    private final ScheduledExecutorService watchdog;
    // volatile: the timeout closes them from the watchdog thread while export() is blocked on them
    private volatile DatagramChannel datagrams;
    private volatile Socket stream;

    /**
     * @param tls the TLS context for {@link Transport#TLS} (its trust decides which receivers are accepted), else null
     * @param verifyHost whether the receiver's certificate must name {@code host}
     */
    public SyslogSink(Transport transport, String host, int port, int facility, String hostname, String appName,
                      SSLContext tls, boolean verifyHost, int batchSize, Duration timeout, int maxMessageBytes) {
        this.transport = transport;
        this.host = host;
        this.port = port;
        this.facility = facility;
        this.hostname = hostname;
        this.appName = appName;
        this.tls = tls;
        this.verifyHost = verifyHost;
        this.batchSize = batchSize;
        this.timeout = timeout;
        this.maxMessageBytes = maxMessageBytes;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "syslog-sink-timeout");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return "syslog";
    }

    @Override
    public int maxBatch() {
        return batchSize;
    }

    @Override
    public synchronized void export(List<SpooledResult> batch) throws IOException {
        // The deadline closes the connection under a blocked write, which then fails with an IOException.
        ScheduledFuture<?> deadline = watchdog.schedule(this::closeQuietly, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            if (transport == Transport.UDP) {
                sendDatagrams(batch);
            } else {
                sendStream(batch);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            if (deadline.isDone()) {
                throw new IOException("syslog " + transport.name().toLowerCase() + " " + host + ":" + port
                        + ": the batch was not sent within " + timeout.toMillis() + " ms", e);
            }
            throw new IOException("syslog " + transport.name().toLowerCase() + " " + host + ":" + port + ": "
                    + e.getMessage(), e);
        } finally {
            deadline.cancel(false);
        }
    }

    private byte[] message(SpooledResult r) {
        ProbeResult result = r.result();
        return SyslogMessage.format(facility, hostname, appName, result, r.json(), maxMessageBytes);
    }

    private void sendDatagrams(List<SpooledResult> batch) throws IOException {
        if (datagrams == null || !datagrams.isOpen()) {
            // Connected, so that a receiver's ICMP port unreachable surfaces as an error on a later send.
            datagrams = DatagramChannel.open();
            datagrams.connect(new InetSocketAddress(host, port));
        }
        for (SpooledResult r : batch) {
            datagrams.write(ByteBuffer.wrap(message(r)));
        }
    }

    private void sendStream(List<SpooledResult> batch) throws IOException {
        if (stream == null || stream.isClosed()) {
            stream = connect();
        }
        OutputStream out = stream.getOutputStream();
        for (SpooledResult r : batch) {
            byte[] m = message(r);
            out.write((m.length + " ").getBytes(StandardCharsets.US_ASCII));
            out.write(m);
        }
        out.flush();
    }

    private Socket connect() throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            plain.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            plain.setTcpNoDelay(true);
            if (transport != Transport.TLS) {
                return plain;
            }
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
            if (verifyHost) {
                SSLParameters p = s.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                s.setSSLParameters(p);
            }
            s.startHandshake();
            return s;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private void closeQuietly() {
        try {
            if (stream != null) {
                stream.close();
            }
        } catch (IOException ignored) {
            // closing a broken connection: nothing more to do
        }
        try {
            if (datagrams != null) {
                datagrams.close();
            }
        } catch (IOException ignored) {
            // as above
        }
    }

    @Override
    public synchronized void close() {
        closeQuietly();
        watchdog.shutdownNow();
    }
}
