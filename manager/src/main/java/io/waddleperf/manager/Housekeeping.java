package io.waddleperf.manager;

import io.waddleperf.manager.store.SessionRepository;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic clean-up: deletes expired login sessions in small batches (each its own short transaction, as Galera
 * wants), so the sessions table holds only live ones. A failed round is logged and tried again next period.
 */
final class Housekeeping implements AutoCloseable {

    static final Duration PERIOD = Duration.ofMinutes(5);
    static final int BATCH = 500;
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

    private final SessionRepository sessions;
    private final InstantSource clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("manager-housekeeping").factory());

    Housekeeping(SessionRepository sessions, InstantSource clock) {
        this.sessions = sessions;
        this.clock = clock;
    }

    void start() {
        timer.scheduleWithFixedDelay(this::runOnce, PERIOD.toSeconds(), PERIOD.toSeconds(), TimeUnit.SECONDS);
    }

    /** One round: expired sessions deleted until a batch comes back short. Returns how many were deleted. */
    int runOnce() {
        int total = 0;
        try {
            int n;
            do {
                n = sessions.deleteExpired(clock.instant(), BATCH);
                total += n;
            } while (n == BATCH);
        } catch (RuntimeException e) {
            LOG.warn("deleting expired sessions failed; next try in {} min: {}", PERIOD.toMinutes(), e.getMessage());
        }
        return total;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
