package io.waddleperf.probes.iperf3;

import io.waddleperf.iperf3.TcpTuning;
import io.waddleperf.net.Errno;
import io.waddleperf.net.JdkSocketOptions;
import io.waddleperf.net.NativeException;
import io.waddleperf.net.NativePlatform;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The iperf3 module's {@link TcpTuning} on Linux: {@code TCP_CONGESTION} and {@code TCP_MAXSEG} set through
 * {@link JdkSocketOptions}. A refusal names what the kernel offers, so a mistyped algorithm reads as such.
 */
public final class NativeTcpTuning implements TcpTuning {

    public static final NativeTcpTuning INSTANCE = new NativeTcpTuning();

    private static final Path AVAILABLE = Path.of("/proc/sys/net/ipv4/tcp_available_congestion_control");
    private static final Path ALLOWED = Path.of("/proc/sys/net/ipv4/tcp_allowed_congestion_control");

    private NativeTcpTuning() {
    }

    @Override
    public boolean available() {
        return NativePlatform.supported();
    }

    @Override
    public void setCongestion(SocketChannel channel, String algorithm) throws IOException {
        try {
            JdkSocketOptions.setTcpCongestion(channel, algorithm);
        } catch (NativeException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new IOException("'" + algorithm + "' is not one of this kernel's (" + list(AVAILABLE) + ")", e);
            }
            if (e.isPermissionDenied()) {
                throw new IOException("'" + algorithm + "' is not allowed for this user (allowed: " + list(ALLOWED)
                        + ")", e);
            }
            throw e;
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void setMaxSegment(SocketChannel channel, int bytes) throws IOException {
        try {
            JdkSocketOptions.setTcpMaxSegment(channel, bytes);
        } catch (NativeException e) {
            if (e.errno() == Errno.EINVAL) {
                throw new IOException(bytes + " bytes is outside what the kernel takes (88 to 32767)", e);
            }
            throw e;
        }
    }

    private static String list(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "unreadable: " + file;
        }
    }
}
