package io.waddleperf.probes;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptibleChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Timeouts for blocking channel calls that are timed, without a poll or selector inside the timed call: a
 * watchdog thread closes the channel when its deadline passes, which ends the blocked call with a
 * {@link ClosedChannelException} ({@link #timedOut} turns it into a {@link SocketTimeoutException}).
 *
 * <p>Why (docs/BENCHMARKS.md §5): the JDK implements {@code Socket.connect(address, timeout)} and
 * {@code DatagramSocket.setSoTimeout} by making the socket non-blocking and polling it — a failed call, a poll(2)
 * and the call again inside the timed interval, 0.1 ms more per DNS query and 0.3 ms per TCP connect on loopback
 * than the plain blocking call. Arm a deadline before the wait that precedes a timed call (arming wakes the
 * watchdog's thread), make the channel, {@linkplain Deadline#attach attach} it, call, and close the deadline.
 * The calls run on a platform thread (the probe runner's).
 */
public final class ChannelWatchdog implements AutoCloseable {

    private final ScheduledExecutorService timer;

    public ChannelWatchdog(String name) {
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(name).factory());
    }

    /** A deadline {@code delayNanos} from now (at once when not positive). */
    public Deadline arm(long delayNanos) {
        Deadline deadline = new Deadline();
        deadline.guard = timer.schedule(deadline::expire, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return deadline;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /**
     * What a blocked call that failed with {@code e} means: a closed channel ({@code ClosedChannelException}, the
     * watchdog's close) is a {@link SocketTimeoutException} naming {@code timeout}; an interrupt (the runner's
     * overall deadline) is rethrown; anything else is returned as it is.
     */
    public static IOException timedOut(IOException e, Duration timeout) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw e;
        }
        if (e instanceof ClosedChannelException) {
            SocketTimeoutException t = new SocketTimeoutException("no answer within " + timeout.toMillis() + " ms");
            t.initCause(e);
            return t;
        }
        return e;
    }

    /** One armed deadline; {@link #close} disarms it. */
    public static final class Deadline implements AutoCloseable {

        private ScheduledFuture<?> guard;
        private InterruptibleChannel channel;
        private boolean expired;

        /** The channel to close when the deadline passes; closed at once when it has already passed. */
        public synchronized void attach(InterruptibleChannel c) throws IOException {
            channel = c;
            if (expired) {
                c.close();
            }
        }

        private synchronized void expire() {
            expired = true;
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the blocked call fails either way
                }
            }
        }

        @Override
        public void close() {
            guard.cancel(false);
        }
    }
}
