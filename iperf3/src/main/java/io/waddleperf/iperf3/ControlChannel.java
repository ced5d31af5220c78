package io.waddleperf.iperf3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Blocking reads and writes of the control connection's units: the cookie, one state byte, a framed JSON message and
 * the SERVER_ERROR trailer (two big-endian int32: {@code i_errno}, then {@code errno}; {@code cleanup_server}).
 */
public final class ControlChannel {

    private final InputStream in;
    private final OutputStream out;

    public ControlChannel(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    public Cookie readCookie() throws IOException {
        byte[] b = in.readNBytes(Cookie.SIZE);
        if (b.length < Cookie.SIZE) {
            throw new EOFException("connection closed after " + b.length + " of " + Cookie.SIZE + " cookie bytes");
        }
        return Cookie.of(b);
    }

    public void writeCookie(Cookie cookie) throws IOException {
        out.write(cookie.bytes());
        out.flush();
    }

    /**
     * Reads one state byte.
     *
     * @throws EOFException when the peer closed the connection
     * @throws Iperf3Exception with {@link Iperf3Error#IEMESSAGE} for a byte that is no iperf3 state
     */
    public ControlState readState() throws IOException, Iperf3Exception {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("control connection closed");
        }
        return ControlState.fromWire((byte) b)
                .orElseThrow(() -> new Iperf3Exception(Iperf3Error.IEMESSAGE, "state byte " + b));
    }

    public void writeState(ControlState state) throws IOException {
        out.write(state.wireByte());
        out.flush();
    }

    public ObjectNode readJson(int maxBytes, Iperf3Error failure) throws IOException, Iperf3Exception {
        return JsonFrames.read(in, maxBytes, failure);
    }

    public void writeJson(JsonNode message) throws IOException {
        JsonFrames.write(out, message);
    }

    /** Sends SERVER_ERROR with the exception's code and errno in one write. */
    public void writeServerError(Iperf3Exception error) throws IOException {
        out.write(ByteBuffer.allocate(9).put(ControlState.SERVER_ERROR.wireByte())
                .putInt(error.error().code()).putInt(error.errno()).array());
        out.flush();
    }

    /** Reads the two int32 after a SERVER_ERROR byte and turns them into the exception they stand for. */
    public Iperf3Exception readServerError() throws IOException {
        byte[] b = in.readNBytes(8);
        if (b.length < 8) {
            throw new EOFException("connection closed inside a SERVER_ERROR trailer");
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        int code = buf.getInt();
        int errno = buf.getInt();
        Iperf3Error error = Iperf3Error.fromCode(code).orElse(Iperf3Error.IEMESSAGE);
        return new Iperf3Exception(error, errno, "server error " + code + (errno != 0 ? " (errno " + errno + ")" : ""),
                null);
    }
}
