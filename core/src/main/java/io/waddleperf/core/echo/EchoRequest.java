package io.waddleperf.core.echo;

/**
 * A valid echo request as the server sees it.
 *
 * @param sequence        the client's sequence number
 * @param clientSendNanos the client's monotonic send time, opaque to the server
 * @param sizeBytes       the datagram's length, which is also the reply's length
 * @param keyId           the key id of the token that signed it, or null when unauthenticated
 */
public record EchoRequest(long sequence, long clientSendNanos, int sizeBytes, Integer keyId) {

    public boolean authenticated() {
        return keyId != null;
    }
}
