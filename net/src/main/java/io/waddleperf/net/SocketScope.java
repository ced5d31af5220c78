package io.waddleperf.net;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Where a probe's native socket work runs: on a fresh platform thread (its blocking {@code poll} must not pin a
 * virtual thread's carrier), in the host's network namespace ({@link #HOST}) or inside another one
 * ({@link #namespace(Path)}, which tests use to probe from a lab node). Sockets opened by the task belong to that
 * namespace for their whole life; so do plain {@code java.net} sockets it opens on its own thread.
 *
 * <p>This is the one place that starts such a thread; {@link NetNamespace#call} is a shorthand for a namespace scope.
 */
public final class SocketScope {

    /** The namespace the JVM runs in. */
    public static final SocketScope HOST = new SocketScope(null);

    private final Path namespaceFile;

    private SocketScope(Path namespaceFile) {
        this.namespaceFile = namespaceFile;
    }

    /** A scope inside the network namespace at {@code namespaceFile} (e.g. {@link NetNamespace#named(String)}). */
    public static SocketScope namespace(Path namespaceFile) {
        return new SocketScope(Objects.requireNonNull(namespaceFile, "namespaceFile"));
    }

    /**
     * Runs {@code task} on a new platform thread of this scope — which first enters the namespace, if this scope has
     * one — and returns its result; its exception (a {@link NativeException} when entering fails) is rethrown as is,
     * and a namespace scope on an unsupported platform throws {@link UnsupportedPlatformException} before starting
     * a thread. The host scope itself needs no native call, so plain Java work in it runs anywhere.
     * The thread ends with the task, so no other code ever runs in the namespace it entered. When the caller is
     * interrupted (the runner's deadline) the task's thread is interrupted too and the caller returns at once.
     */
    public <T> T call(String name, Callable<T> task) throws Exception {
        if (namespaceFile != null) {
            NativePlatform.require();
        }
        FutureTask<T> future = new FutureTask<>(() -> {
            if (namespaceFile != null) {
                NetNamespace.enter(namespaceFile);
            }
            return task.call();
        });
        Thread thread = Thread.ofPlatform().name(name).daemon().start(future);
        T result;
        try {
            result = future.get();
        } catch (InterruptedException e) {
            thread.interrupt();
            throw e;
        } catch (ExecutionException e) {
            thread.join();
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
        thread.join();
        return result;
    }

    @Override
    public String toString() {
        return namespaceFile == null ? "host namespace" : "namespace " + namespaceFile;
    }
}
