package io.waddleperf.net;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Runs code inside a network namespace: a new PLATFORM thread opens the namespace file (e.g.
 * {@code /run/netns/NAME} made by {@code ip netns add}), calls {@code setns(fd, CLONE_NEWNET)} (setns(2)), runs the
 * task and ends. Sockets it opens stay in that namespace for their whole life and can then be used from any thread.
 *
 * <p>setns(2) moves only the calling OS thread. Never call it from a virtual thread: the virtual thread would move
 * its carrier — a shared pool thread — into the namespace, and every virtual thread later mounted on that carrier
 * would silently run there. That is why {@link #call} (through {@link SocketScope#call}) owns its thread.
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

    /**
     * Runs {@code task} on a fresh platform thread inside the network namespace at {@code namespaceFile}:
     * {@code SocketScope.namespace(namespaceFile).call(...)}.
     */
    public static <T> T call(Path namespaceFile, Callable<T> task) throws Exception {
        return SocketScope.namespace(namespaceFile).call("netns-" + namespaceFile.getFileName(), task);
    }
}
