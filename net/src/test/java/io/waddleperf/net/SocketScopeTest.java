package io.waddleperf.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The one "run on a thread of its own, in this namespace" path, as far as it can be seen without root. */
class SocketScopeTest {

    private static final Path THREAD_NET_NS = Path.of("/proc/thread-self/ns/net");

    @Test
    void the_host_scope_runs_the_task_on_a_fresh_platform_thread_in_the_callers_namespace() throws Exception {
        Thread caller = Thread.currentThread();
        String outside = Files.readSymbolicLink(THREAD_NET_NS).toString();
        AtomicReference<Thread> ran = new AtomicReference<>();
        String inside = SocketScope.HOST.call("scope-test", () -> {
            ran.set(Thread.currentThread());
            return Files.readSymbolicLink(THREAD_NET_NS).toString();
        });
        assertThat(inside).isEqualTo(outside);
        assertThat(ran.get()).isNotSameAs(caller);
        assertThat(ran.get().isVirtual()).isFalse();
        assertThat(ran.get().getName()).isEqualTo("scope-test");
        assertThat(ran.get().isAlive()).as("the thread ends with its task").isFalse();
    }

    @Test
    void the_tasks_exception_comes_back_as_is() {
        IOException thrown = new IOException("from the task");
        assertThatThrownBy(() -> SocketScope.HOST.call("scope-test", () -> {
            throw thrown;
        })).isSameAs(thrown);
    }

    @Test
    void a_namespace_that_cannot_be_entered_fails_with_the_errno_on_both_entry_points() {
        Path missing = NetNamespace.named("wp-no-such-namespace-" + ProcessHandle.current().pid());
        assertThatThrownBy(() -> NetNamespace.call(missing, () -> "never"))
                .isInstanceOfSatisfying(NativeException.class, e -> {
                    assertThat(e.call()).isEqualTo("open");
                    assertThat(e.errno()).isEqualTo(Errno.ENOENT);
                });
        assertThatThrownBy(() -> SocketScope.namespace(missing).call("scope-test", () -> "never"))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }

    @Test
    void entering_from_a_virtual_thread_is_refused() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                NetNamespace.enter(Path.of("/proc/self/ns/net"));
            } catch (Throwable t) {
                failure.set(t);
            }
        }).join();
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("carrier");
    }

    @Test
    void interrupting_the_caller_interrupts_the_tasks_thread() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch taskInterrupted = new CountDownLatch(1);
        AtomicReference<Throwable> callerGot = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                SocketScope.HOST.call("scope-test", () -> {
                    started.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        taskInterrupted.countDown();
                    }
                    return null;
                });
            } catch (Throwable t) {
                callerGot.set(t);
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        caller.interrupt();
        caller.join(10_000);
        assertThat(callerGot.get()).isInstanceOf(InterruptedException.class);
        assertThat(taskInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
    }
}
