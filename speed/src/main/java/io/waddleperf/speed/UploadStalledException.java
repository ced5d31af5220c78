package io.waddleperf.speed;

/** An upload the stall guard cut off because it moved too few bytes for too long (a slow-loris client). */
public final class UploadStalledException extends RuntimeException {

    private final long receivedBytes;

    public UploadStalledException(long receivedBytes) {
        super("upload cut off: too slow for too long after " + receivedBytes + " bytes");
        this.receivedBytes = receivedBytes;
    }

    public long receivedBytes() {
        return receivedBytes;
    }
}
