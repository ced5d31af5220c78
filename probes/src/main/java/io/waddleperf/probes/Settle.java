package io.waddleperf.probes;

import java.time.Duration;

/**
 * A pause between a probe's untimed preparation (warm-ups, class loading, building its requests) and its first timed
 * exchange, so that the exchanges find the two ends of a loopback or same-host path where the kernel puts a client
 * that has been idle, not one that has just been busy.
 *
 * <p>Why: Linux weighs a thread's recent CPU use (a decaying average with a half-life of about 32 ms) when it picks
 * the CPU for a task it wakes. Right after a JVM's start-up or a warm-up, the probe's thread looks busy, and the
 * kernel wakes the server it sends to (or the probe, for the answer) on the other CPU; each such exchange pays a
 * cross-CPU wake-up, 0.1-0.2 ms on the machines of docs/BENCHMARKS.md §5. Measured with
 * {@code bench/probe-placement.sh}: a C query loop that spins 200 ms before its first query kept its two ends on two
 * CPUs for its first 5-6 queries 10 ms apart, as our probe did after its warm-up, where the plain C loop joins the
 * server at once. 60 ms is two half-lives beyond what the C loop needed after 50 ms of spinning (4 queries apart).
 * Nothing is sent during the pause and it is outside every timed interval.
 */
public final class Settle {

    /** How long the pause lasts. */
    public static final Duration PAUSE = Duration.ofMillis(60);

    private Settle() {
    }

    /** Sleeps {@link #PAUSE}; an interrupt is passed on (the runner's deadline). */
    public static void beforeTimedAttempts() throws InterruptedException {
        Thread.sleep(PAUSE);
    }
}
