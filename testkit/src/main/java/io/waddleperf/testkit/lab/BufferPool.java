package io.waddleperf.testkit.lab;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

/**
 * A bounded pool of reusable direct buffers for the delay relays: buffers are allocated lazily up to the bound and
 * then recycled, so a relay moving millions of packets allocates only what is in flight at once.
 */
final class BufferPool {

    private final int bufferBytes;
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();

    BufferPool(int bufferBytes, int maxBuffers) {
        this.bufferBytes = bufferBytes;
        this.permits = new Semaphore(maxBuffers);
    }

    /** A cleared buffer, waiting while all are in use (back-pressure for TCP). */
    ByteBuffer acquire() throws InterruptedException {
        permits.acquire();
        return take();
    }

    /** A cleared buffer, or null when all are in use (UDP then drops, as a full router queue would). */
    ByteBuffer tryAcquire() {
        return permits.tryAcquire() ? take() : null;
    }

    void release(ByteBuffer buffer) {
        free.add(buffer);
        permits.release();
    }

    private ByteBuffer take() {
        ByteBuffer buffer = free.poll();
        return buffer != null ? buffer.clear() : ByteBuffer.allocateDirect(bufferBytes);
    }
}
