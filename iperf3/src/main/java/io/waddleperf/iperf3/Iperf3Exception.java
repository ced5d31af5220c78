package io.waddleperf.iperf3;

/**
 * An iperf3 protocol failure carrying iperf3's error code and the accompanying {@code errno} (0 when none), exactly
 * the two numbers a server sends after {@link ControlState#SERVER_ERROR}.
 */
public final class Iperf3Exception extends Exception {

    private final Iperf3Error error;
    private final int errno;

    public Iperf3Exception(Iperf3Error error, String detail) {
        this(error, 0, detail, null);
    }

    public Iperf3Exception(Iperf3Error error, int errno, String detail, Throwable cause) {
        super(error.message() + (detail == null || detail.isEmpty() ? "" : ": " + detail), cause);
        this.error = error;
        this.errno = errno;
    }

    public Iperf3Error error() {
        return error;
    }

    /** The POSIX errno sent with the code; 0 for protocol and parameter errors. */
    public int errno() {
        return errno;
    }
}
