package io.waddleperf.testkit.lab;

import io.waddleperf.net.NativeException;
import io.waddleperf.net.NetNamespace;
import io.waddleperf.net.SocketScope;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One network namespace of the lab (the client, a router or the server), with ways to run Java code and stock tools
 * inside it.
 *
 * <p>Java code runs on a fresh platform thread that first joins the namespace with {@code setns(2)}; sockets opened
 * there stay in the namespace and may then be used from any thread. Virtual threads cannot be used for this: they
 * move between carrier threads, which stay in the host's namespace.
 */
public final class LabNode {

    private final String label;
    private final String namespace;
    private final Inet4Address addressV4;
    private final Inet6Address addressV6;
    private final AtomicInteger threads = new AtomicInteger();

    LabNode(String label, String namespace, Inet4Address addressV4, Inet6Address addressV6) {
        this.label = label;
        this.namespace = namespace;
        this.addressV4 = addressV4;
        this.addressV6 = addressV6;
    }

    /** The node's role in the chain: {@code client}, {@code r1} … {@code rN} or {@code server}. */
    public String label() {
        return label;
    }

    /** The namespace name, as listed by {@code ip netns list}. */
    public String namespace() {
        return namespace;
    }

    /**
     * The node's IPv4 address facing the client (the server's only address; the client's only address; a router's
     * address on its client-side link, which is what a traceroute from the client shows).
     */
    public Inet4Address addressV4() {
        return addressV4;
    }

    /** The IPv6 counterpart of {@link #addressV4()}. */
    public Inet6Address addressV6() {
        return addressV6;
    }

    /**
     * Runs {@code task} on a new thread inside this namespace and waits for it; its exception is rethrown as is (a
     * {@code NativeException} when the thread cannot join the namespace). The same code path as the probes' own
     * {@link SocketScope}.
     */
    public <T> T run(Callable<T> task) throws Exception {
        return SocketScope.namespace(NetNamespace.named(namespace)).call(threadName(), task);
    }

    /** Starts {@code task} on a new daemon thread inside this namespace; the future ends with its result or error. */
    public <T> CompletableFuture<T> start(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        threadFactory().newThread(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }).start();
        return result;
    }

    /**
     * A factory of daemon platform threads that join this namespace before running their task (for executors whose
     * threads must open sockets here). If joining fails the thread ends with a {@link LabException}.
     */
    public ThreadFactory threadFactory() {
        return task -> Thread.ofPlatform().daemon()
                .name(threadName())
                .unstarted(() -> {
                    enter();
                    task.run();
                });
    }

    private String threadName() {
        return "lab-" + label + "-" + threads.incrementAndGet();
    }

    /** Moves the calling (fresh, platform) thread into this namespace. */
    private void enter() {
        try {
            NetNamespace.enter(NetNamespace.named(namespace));
        } catch (NativeException e) {
            throw new LabException("joining namespace " + namespace + ": " + e.getMessage(), e);
        }
    }

    /** Runs a stock tool inside this namespace ({@code ip netns exec}), waiting up to 30 s. */
    public ExecResult exec(String... command) {
        return exec(Commands.DEFAULT_TIMEOUT, command);
    }

    /** Runs a stock tool inside this namespace, killing it after {@code timeout}; exit code -1 then. */
    public ExecResult exec(Duration timeout, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        return Commands.exec(full, null, timeout);
    }

    /**
     * A counter of this namespace's {@code /proc/net/snmp}, such as {@code ("Udp", "RcvbufErrors")}: datagrams the
     * kernel dropped because a socket's receive buffer was full. Lets a test tell the host's own losses from the
     * link's.
     */
    public long snmpCounter(String protocol, String name) {
        ExecResult snmp = exec("cat", "/proc/net/snmp");
        if (!snmp.succeeded()) {
            throw new LabException("reading /proc/net/snmp in " + this + ": " + snmp);
        }
        String[] header = null;
        for (String line : snmp.output().split("\n")) {
            if (!line.startsWith(protocol + ":")) {
                continue;
            }
            String[] fields = line.substring(protocol.length() + 1).trim().split("\\s+");
            if (header == null) {
                header = fields;
                continue;
            }
            for (int i = 0; i < header.length && i < fields.length; i++) {
                if (header[i].equals(name)) {
                    return Long.parseLong(fields[i]);
                }
            }
        }
        throw new LabException("no " + protocol + " counter " + name + " in /proc/net/snmp of " + this);
    }

    /** Packets the queueing disciplines of this namespace's interfaces have dropped (tbf: bucket and queue full). */
    public long qdiscDrops() {
        ExecResult qdiscs = exec("tc", "-s", "qdisc", "show");
        if (!qdiscs.succeeded()) {
            throw new LabException("reading qdisc statistics in " + this + ": " + qdiscs);
        }
        long total = 0;
        Matcher dropped = QDISC_DROPPED.matcher(qdiscs.output());
        while (dropped.find()) {
            total += Long.parseLong(dropped.group(1));
        }
        return total;
    }

    /** The drop count in {@code tc -s qdisc} statistics: " Sent 1 bytes 1 pkt (dropped 0, overlimits 0 …)". */
    private static final Pattern QDISC_DROPPED = Pattern.compile("\\(dropped (\\d+),");

    @Override
    public String toString() {
        return label + " (" + namespace + ", " + addressV4.getHostAddress() + ")";
    }
}
