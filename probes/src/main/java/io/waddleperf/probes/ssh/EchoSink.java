package io.waddleperf.probes.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Collects what the remote echo command writes to its standard output, so the prober can wait (with a deadline)
 * until the bytes it sent have come back. MINA SSHD writes into it from its I/O thread; the prober waits on
 * another thread.
 */
final class EchoSink extends OutputStream {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean closed;

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        lock.lock();
        try {
            received.write(b, off, len);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Marks the end of the remote output (channel EOF or close): waiters stop waiting. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** What came back for one round trip. */
    enum Echo { MATCHED, MISMATCHED, ENDED, TIMED_OUT }

    /**
     * Waits until {@code expected.length} more bytes have arrived and compares them with {@code expected}.
     *
     * @param deadlineNanos a {@link System#nanoTime()} reading after which to give up
     */
    Echo await(byte[] expected, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (received.size() < expected.length) {
                if (closed) {
                    return Echo.ENDED;
                }
                long leftNanos = deadlineNanos - System.nanoTime();
                if (leftNanos <= 0) {
                    return Echo.TIMED_OUT;
                }
                arrived.await(leftNanos, TimeUnit.NANOSECONDS);
            }
            byte[] all = received.toByteArray();
            boolean same = Arrays.equals(all, 0, expected.length, expected, 0, expected.length);
            // Keep only what arrived beyond this round trip, so the buffer stays one line long however many rounds run.
            received.reset();
            received.write(all, expected.length, all.length - expected.length);
            return same ? Echo.MATCHED : Echo.MISMATCHED;
        } finally {
            lock.unlock();
        }
    }
}
