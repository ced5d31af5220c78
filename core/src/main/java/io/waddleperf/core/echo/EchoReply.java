package io.waddleperf.core.echo;

/**
 * A valid echo reply as the client sees it.
 *
 * @param sequence           the sequence of the request it answers
 * @param clientSendNanos    the client send time echoed from the request
 * @param serverReceiveNanos the server's clock when it read the request (Unix epoch ns, never stepping)
 * @param serverSendNanos    the server's clock just before it sent the reply
 * @param sizeBytes          the reply's length
 * @param authenticated      whether it carried a MAC that the client verified
 */
public record EchoReply(long sequence, long clientSendNanos, long serverReceiveNanos, long serverSendNanos,
                        int sizeBytes, boolean authenticated) {

    /** Time the server held the request, in nanoseconds. */
    public long serverProcessingNanos() {
        return serverSendNanos - serverReceiveNanos;
    }
}
