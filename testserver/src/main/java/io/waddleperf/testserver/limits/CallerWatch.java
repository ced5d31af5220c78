package io.waddleperf.testserver.limits;

import io.waddleperf.net.NativeException;
import io.waddleperf.net.NativePlatform;
import io.waddleperf.net.SockDiag;
import io.waddleperf.net.TcpInfo;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices test API callers that hang up while their test runs, so the test can be cancelled and its slot freed at
 * once instead of when the test would have ended. An HTTP server learns that a client left only when it next reads
 * or writes, and a test API handler does neither while its probe runs; so the watch asks the kernel for the state of
 * each watched connection, as {@code ss} does ({@link SockDiag}), every {@link #PERIOD}: a connection whose peer sent
 * its FIN ({@code CLOSE-WAIT}) or that the kernel no longer knows (reset) has lost its caller. Only a connection
 * that has been seen open once can be called gone: one that is never found (no native layer, an address the lookup
 * cannot match) is never cancelled, as not knowing is not a reason to cancel.
 */
public final class CallerWatch implements AutoCloseable {

    /** How often each watched connection is looked at: a freed slot is this much late at worst. */
    public static final Duration PERIOD = Duration.ofMillis(200);

    private static final Logger LOG = LoggerFactory.getLogger(CallerWatch.class);

    /** What the kernel says of one connection. */
    public enum State { OPEN, GONE, UNKNOWN }

    /** Reads a connection's state; {@link #KERNEL} asks the kernel. */
    @FunctionalInterface
    public interface StateReader {
        State read(InetSocketAddress local, InetSocketAddress remote);

        StateReader KERNEL = (local, remote) -> {
            if (!NativePlatform.supported() || local.getAddress() == null || remote.getAddress() == null) {
                return State.UNKNOWN;
            }
            try {
                Optional<TcpInfo> info = SockDiag.tcpInfoOfJavaSocket(local, remote);
                return info.isEmpty() || info.get().peerClosed() ? State.GONE : State.OPEN;
            } catch (NativeException e) {
                LOG.debug("state of {} -> {} not readable: {}", local, remote, e.getMessage());
                return State.UNKNOWN;
            }
        };
    }

    private final StateReader reader;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    public CallerWatch(StateReader reader, Duration period) {
        this.reader = reader;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("caller-watch")
                .factory());
        timer.scheduleWithFixedDelay(this::check, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** A watch that asks the kernel every {@link #PERIOD}. */
    public static CallerWatch kernel() {
        return new CallerWatch(StateReader.KERNEL, PERIOD);
    }

    /**
     * Starts watching the connection from {@code local} to the caller at {@code remote}; when the caller hangs up,
     * {@code onGone} runs once, on the watch's thread, unless the watch was stopped first.
     */
    public Watch watch(InetSocketAddress local, InetSocketAddress remote, Runnable onGone) {
        Watch w = new Watch(local, remote, onGone);
        if (local != null && remote != null) {
            w.seen(reader.read(local, remote));
            watches.add(w);
        }
        return w;
    }

    /** Connections watched now. */
    public int watched() {
        return watches.size();
    }

    private void check() {
        for (Watch w : watches) {
            try {
                w.seen(reader.read(w.local, w.remote));
            } catch (RuntimeException e) {
                LOG.warn("checking the caller at {} failed", w.remote, e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One watched caller. */
    public final class Watch {
        private final InetSocketAddress local;
        private final InetSocketAddress remote;
        private final Runnable onGone;
        private boolean seenOpen;
        private boolean stopped;
        private boolean gone;

        private Watch(InetSocketAddress local, InetSocketAddress remote, Runnable onGone) {
            this.local = local;
            this.remote = remote;
            this.onGone = onGone;
        }

        /** Takes in one reading: open arms the watch, gone fires an armed one. */
        private synchronized void seen(State state) {
            if (state == State.OPEN) {
                seenOpen = true;
            } else if (state == State.GONE && seenOpen && !stopped && !gone) {
                LOG.debug("caller at {} (connection to {}) hung up: its test is cancelled", remote, local);
                gone = true;
                watches.remove(this);
                onGone.run();
            }
        }

        /**
         * Stops watching; after this returns {@code onGone} never runs.
         *
         * @return whether the caller was found gone (and {@code onGone} ran)
         */
        public synchronized boolean stop() {
            stopped = true;
            watches.remove(this);
            return gone;
        }
    }
}
