package io.waddleperf.net;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs code inside a network namespace: a new PLATFORM thread opens the namespace file (e.g.
 * {@code /run/netns/NAME} made by {@code ip netns add}), calls {@code setns(fd, CLONE_NEWNET)} (setns(2)), runs the
 * task and ends. Sockets it opens stay in that namespace for their whole life and can then be used from any thread.
 *
 * <p>setns(2) moves only the calling OS thread. Never call it from a virtual thread: the virtual thread would move
 * its carrier — a shared pool thread — into the namespace, and every virtual thread later mounted on that carrier
 * would silently run there. That is why this class owns its thread.
 */
public final class NetNamespace {

    private NetNamespace() {
    }

    /** The namespace file {@code ip netns} uses for {@code name}. */
    public static Path named(String name) {
        return Path.of("/run/netns", name);
    }

    /**
     * Moves the calling thread into the namespace at {@code namespaceFile}. Only for a platform thread that this code
     * owns and that ends after its task (see the class comment).
     */
    public static void enter(Path namespaceFile) throws NativeException {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("setns from a virtual thread would move its carrier thread");
        }
        int fd = Libc.openReadOnly(namespaceFile.toString());
        try {
            Libc.setns(fd, LinuxNet.CLONE_NEWNET);
        } finally {
            Libc.close(fd);
        }
    }

    /** Runs {@code task} on a fresh platform thread inside the network namespace at {@code namespaceFile}. */
    public static <T> T call(Path namespaceFile, Callable<T> task) throws Exception {
        FutureTask<T> future = new FutureTask<>(() -> {
            enter(namespaceFile);
            return task.call();
        });
        Thread thread = Thread.ofPlatform().name("netns-" + namespaceFile.getFileName()).daemon().start(future);
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } finally {
            thread.join();
        }
    }
}
