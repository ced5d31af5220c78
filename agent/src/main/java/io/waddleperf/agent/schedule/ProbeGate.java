package io.waddleperf.agent.schedule;

import io.waddleperf.core.autoperf.ProbeKind;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The agent-wide rule of who may measure at the same time: a throughput probe loads the link, so it runs alone
 * (no other probe of any kind beside it, and never two at once); latency probes only send a little, so any number
 * of them share the link. One fair read-write lock: latency probes hold the read side, throughput probes the write
 * side; fairness keeps a stream of latency probes from starving a waiting throughput probe.
 */
public final class ProbeGate {

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);

    /**
     * Runs {@code task} once the gate lets a probe of {@code kind} in, waiting at most {@code wait}.
     *
     * @throws TimeoutException when the gate stayed closed for {@code wait}
     */
    public <T> T run(ProbeKind kind, Duration wait, Callable<T> task) throws Exception {
        Lock l = kind == ProbeKind.THROUGHPUT ? lock.writeLock() : lock.readLock();
        if (!l.tryLock(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException("another probe held the link for " + wait.toMillis() + " ms");
        }
        try {
            return task.call();
        } finally {
            l.unlock();
        }
    }
}
