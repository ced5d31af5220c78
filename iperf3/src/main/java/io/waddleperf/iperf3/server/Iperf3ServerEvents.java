package io.waddleperf.iperf3.server;

import io.waddleperf.iperf3.StreamResult;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.client.Iperf3Interval;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What a server's tests go through, for a log that reads like stock iperf3's server output (the client's address,
 * each stream's ends, per-interval and summary rates). Called on the test's own threads; every method does nothing
 * unless overridden, and {@link #NONE} is the listener of a server that logs nothing of this.
 */
public interface Iperf3ServerEvents {

    Iperf3ServerEvents NONE = new Iperf3ServerEvents() { };

    /** One data stream as connected: iperf3's id, whether this server sends on it, and its two ends. */
    record Stream(int id, boolean sender, InetSocketAddress local, InetSocketAddress remote) {
    }

    /** One stream's end figures and whether this server sent on it. */
    record StreamEnd(StreamResult result, boolean sender) {
    }

    /** A client opened a control connection that starts a test. */
    default void accepted(InetSocketAddress client) {
    }

    /** The test's streams are connected and data is about to move. */
    default void started(TestParameters params, List<Stream> streams) {
    }

    /** One reporting interval (1 s) as the server's streams saw it. */
    default void interval(TestParameters params, Iperf3Interval interval) {
    }

    /** The test ended normally; {@code streams} in stream order. */
    default void finished(TestParameters params, List<StreamEnd> streams) {
    }

    /** The test ended otherwise: refused, failed, or the client went away. */
    default void failed(String reason) {
    }

    /**
     * What one control connection came to, for a record of who did what (one call per connection that sent a
     * cookie for a new test, after {@link #finished} or {@link #failed}).
     *
     * @param client        the client's end of the control connection
     * @param params        what it asked for, or null when no valid parameters came
     * @param seconds       how long data moved (0 when none did)
     * @param sentBytes     bytes this server sent over the data streams
     * @param receivedBytes bytes this server received over them
     * @param error         why the test failed, or null when it ended normally
     */
    record TestRecord(InetSocketAddress client, TestParameters params, double seconds, long sentBytes,
                      long receivedBytes, String error) {
    }

    /** The record of one test, ended normally or not. */
    default void ended(TestRecord record) {
    }
}
