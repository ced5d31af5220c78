package io.waddleperf.testkit.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.net.NetNamespace;
import java.io.IOException;
import io.waddleperf.testkit.Requirements;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace made for one test with {@code ip netns add}, with only loopback up, and always deleted by
 * {@link #close()}. Needs root; skips the test with a printed reason when not root, unless {@code CI=true}, where it
 * fails instead.
 */
public final class ThrowawayNamespace implements AutoCloseable {

    private final String name;

    private ThrowawayNamespace(String name) {
        this.name = name;
    }

    /** Skips (or fails under CI=true) unless running as root. */
    public static void assumeRoot(String why) {
        Requirements.require(Requirements.isRoot(), "needs root: " + why);
    }

    /** Creates the namespace, brings loopback up and opens ICMP datagram sockets to every group. */
    public static ThrowawayNamespace create() throws Exception {
        assumeRoot("creating a network namespace");
        String name = "wp-ffm-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        run("ip", "netns", "add", name);
        ThrowawayNamespace ns = new ThrowawayNamespace(name);
        try {
            run("ip", "-n", name, "link", "set", "lo", "up");
            ns.sysctl("net.ipv4.ping_group_range", "0 2147483647");
            return ns;
        } catch (Exception | AssertionError e) {
            ns.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public Path file() {
        return NetNamespace.named(name);
    }

    /** {@code sysctl -w key=value} inside the namespace (net.* keys are per namespace). */
    public void sysctl(String key, String value) throws Exception {
        run("ip", "netns", "exec", name, "sysctl", "-q", "-w", key + "=" + value);
    }

    /** Runs {@code command} inside the namespace ({@code ip netns exec}); fails the test if it fails. */
    public void exec(String... command) throws Exception {
        String[] full = new String[command.length + 4];
        System.arraycopy(new String[] {"ip", "netns", "exec", name}, 0, full, 0, 4);
        System.arraycopy(command, 0, full, 4, command.length);
        run(full);
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean done = p.waitFor(20, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done).as("%s timed out", List.of(command)).isTrue();
        assertThat(p.exitValue()).as("%s failed: %s", List.of(command), output).isZero();
    }

    @Override
    public void close() throws Exception {
        run("ip", "netns", "del", name);
    }
}
