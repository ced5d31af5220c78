package io.waddleperf.manager;

import io.waddleperf.manager.store.RollupRepository;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the rollup deltas that ingestion appends into the rollup rows, in the background
 * ({@link RollupRepository#fold}): while deltas are waiting it folds batch after batch; when none are left it looks
 * again after {@link #IDLE}. Readers add unfolded deltas themselves, so how far behind the folder is changes no
 * answer, only how many deltas a read decodes. Started after the database is open (deltas left by a crash are folded
 * then), closed before it is closed.
 */
final class RollupFolder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RollupFolder.class);
    /** How long the folder waits when no delta was left. */
    static final Duration IDLE = Duration.ofMillis(500);
    /** How long it waits after a failed fold (the database unreachable, say) before trying again. */
    static final Duration AFTER_FAILURE = Duration.ofSeconds(5);

    private final RollupRepository rollups;
    private final Thread thread;
    private volatile boolean closing;
    /** Held by the folder for each fold, and by {@link #pause()} while folding must not happen. */
    private final java.util.concurrent.locks.ReentrantLock turn = new java.util.concurrent.locks.ReentrantLock();

    RollupFolder(RollupRepository rollups) {
        this.rollups = rollups;
        this.thread = Thread.ofPlatform().daemon().name("manager-rollup-folder").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (!closing) {
            Duration pause;
            try {
                if (!turn.tryLock(IDLE.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    continue; // paused
                }
                int n;
                try {
                    n = rollups.fold(RollupRepository.FOLD_BATCH);
                } finally {
                    turn.unlock();
                }
                pause = n == RollupRepository.FOLD_BATCH ? Duration.ZERO : IDLE;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closing) {
                    return;
                }
                LOG.warn("folding rollup deltas failed; next try in {} s: {}", AFTER_FAILURE.toSeconds(), e.getMessage());
                pause = AFTER_FAILURE;
            }
            if (!pause.isZero() && !closing) {
                // woken early by close()
                LockSupport.parkNanos(this, pause.toNanos());
            }
        }
    }

    /**
     * Stops folding until the returned handle is closed, once the fold under way (if any) has committed. For tests
     * that need deltas to wait: holding the database's rollup lock instead would stall every writer on the embedded
     * database, where write transactions take turns.
     */
    AutoCloseable pause() {
        turn.lock();
        return turn::unlock;
    }

    /** Stops after the fold under way, if any (a fold is one transaction: stopping midway would only roll it back). */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            if (!thread.join(Duration.ofSeconds(30))) {
                LOG.warn("rollup folder still busy after 30 s; closing the database anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
