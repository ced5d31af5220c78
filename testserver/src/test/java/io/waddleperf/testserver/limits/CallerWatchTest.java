package io.waddleperf.testserver.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CallerWatchTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);

    private static InetSocketAddress caller(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private final Map<InetSocketAddress, CallerWatch.State> states = new ConcurrentHashMap<>();

    private CallerWatch watch() {
        return new CallerWatch((local, remote) -> states.getOrDefault(remote, CallerWatch.State.UNKNOWN),
                Duration.ofMillis(10));
    }

    @Test
    void runs_the_action_once_when_the_caller_hangs_up() throws Exception {
        states.put(caller(1), CallerWatch.State.OPEN);
        CountDownLatch gone = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        try (CallerWatch w = watch()) {
            CallerWatch.Watch watch = w.watch(LOCAL, caller(1), () -> {
                runs.incrementAndGet();
                gone.countDown();
            });
            Thread.sleep(50);
            assertThat(runs).hasValue(0);
            states.put(caller(1), CallerWatch.State.GONE);
            assertThat(gone.await(2, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(50);
            assertThat(runs).hasValue(1);
            assertThat(watch.stop()).isTrue();
            assertThat(w.watched()).isZero();
        }
    }

    @Test
    void a_stopped_watch_never_fires() throws Exception {
        states.put(caller(2), CallerWatch.State.OPEN);
        AtomicInteger runs = new AtomicInteger();
        try (CallerWatch w = watch()) {
            CallerWatch.Watch watch = w.watch(LOCAL, caller(2), runs::incrementAndGet);
            assertThat(watch.stop()).isFalse();
            states.put(caller(2), CallerWatch.State.GONE);
            Thread.sleep(100);
            assertThat(runs).hasValue(0);
        }
    }

    @Test
    void a_connection_never_seen_open_is_never_called_gone() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (CallerWatch w = watch()) {
            CallerWatch.Watch unseen = w.watch(LOCAL, caller(3), runs::incrementAndGet);
            CallerWatch.Watch noAddress = w.watch(null, caller(3), runs::incrementAndGet);
            assertThat(w.watched()).as("no address, nothing to watch").isEqualTo(1);
            states.put(caller(3), CallerWatch.State.GONE);
            Thread.sleep(100);
            assertThat(runs).hasValue(0);
            assertThat(unseen.stop()).isFalse();
            assertThat(noAddress.stop()).isFalse();
        }
    }

    @Test
    void a_connection_first_seen_open_on_a_later_look_is_watched_from_then_on() throws Exception {
        CountDownLatch gone = new CountDownLatch(1);
        try (CallerWatch w = watch()) {
            CallerWatch.Watch watch = w.watch(LOCAL, caller(4), gone::countDown); // unknown at first
            states.put(caller(4), CallerWatch.State.OPEN);
            Thread.sleep(50);
            states.put(caller(4), CallerWatch.State.GONE);
            assertThat(gone.await(2, TimeUnit.SECONDS)).isTrue();
            assertThat(watch.stop()).isTrue();
        }
    }
}
