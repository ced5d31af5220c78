package io.waddleperf.testkit.lab;

import io.waddleperf.testkit.Requirements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a lab can be built here, and the lab's safety nets: a JVM shutdown hook that deletes labs still open, and
 * removal of namespaces left by earlier runs that crashed.
 */
public final class LabSupport {

    private static final Pattern OWNED = Pattern.compile("^" + Lab.NAMESPACE_PREFIX + "[0-9a-f]{6}-(\\d+)-.+$");
    private static final Set<Lab> OPEN = ConcurrentHashMap.newKeySet();
    private static volatile Optional<String> unavailable;
    private static volatile boolean hookInstalled;

    private LabSupport() {
    }

    /**
     * Why a lab cannot be built here (not root, no {@code ip netns}, no {@code tc} or {@code nft}), or empty when it
     * can. The answer is computed once per JVM.
     */
    public static Optional<String> unavailableReason() {
        Optional<String> reason = unavailable;
        if (reason == null) {
            synchronized (LabSupport.class) {
                if (unavailable == null) {
                    unavailable = probe();
                }
                reason = unavailable;
            }
        }
        return reason;
    }

    /**
     * Skips the calling test (printing why) when no lab can be built here, or fails it when the environment variable
     * {@code CI} is {@code true}, where lab tests must run.
     */
    public static void assumeAvailable() {
        Optional<String> reason = unavailableReason();
        Requirements.require(reason.isEmpty(), "network namespace lab unavailable: " + reason.orElse(""));
    }

    /** The names of all existing network namespaces ({@code ip netns list}). */
    public static List<String> namespaces() {
        ExecResult result = Commands.exec(List.of("ip", "netns", "list"), null, Commands.DEFAULT_TIMEOUT);
        if (!result.succeeded()) {
            throw new LabException("cannot list namespaces: " + result);
        }
        // Lines look like "name (id: 3)" or just "name".
        return result.output().lines().map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> l.split("\\s+")[0]).toList();
    }

    static boolean namespaceExists(String name) {
        return Files.exists(Path.of("/run/netns", name));
    }

    /**
     * Deletes namespaces named by {@link Lab} whose owning process is gone (a run that crashed or was killed before
     * its teardown); labs of live processes, including parallel runs, are left alone. Returns the deleted names.
     */
    public static List<String> removeStaleNamespaces() {
        long self = ProcessHandle.current().pid();
        List<String> stale = namespaces().stream().filter(name -> {
            Matcher m = OWNED.matcher(name);
            if (!m.matches()) {
                return false;
            }
            long owner = Long.parseLong(m.group(1));
            return owner != self && ProcessHandle.of(owner).isEmpty();
        }).toList();
        for (String name : stale) {
            ExecResult result = Commands.exec(List.of("ip", "netns", "delete", name), null, Commands.DEFAULT_TIMEOUT);
            System.err.println("[lab] removed stale namespace " + name
                    + (result.succeeded() ? "" : " (failed: " + result.output().strip() + ")"));
        }
        return stale;
    }

    static void remember(Lab lab) {
        installHook();
        OPEN.add(lab);
    }

    static void forget(Lab lab) {
        OPEN.remove(lab);
    }

    private static void installHook() {
        if (hookInstalled) {
            return;
        }
        synchronized (LabSupport.class) {
            if (!hookInstalled) {
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("lab-teardown").unstarted(() -> {
                    for (Lab lab : List.copyOf(OPEN)) {
                        try {
                            lab.close();
                        } catch (RuntimeException e) {
                            System.err.println("[lab] shutdown teardown of " + lab.id() + ": " + e.getMessage());
                        }
                    }
                }));
                hookInstalled = true;
            }
        }
    }

    private static Optional<String> probe() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (!Integer.valueOf(0).equals(uid)) {
                return Optional.of("not root (uid " + uid + "); network namespaces need CAP_SYS_ADMIN");
            }
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of("cannot tell the user id (not Linux?): " + e);
        }
        for (List<String> tool : List.of(List.of("ip", "-V"), List.of("tc", "-V"), List.of("nft", "--version"))) {
            try {
                ExecResult result = Commands.exec(tool, null, Commands.DEFAULT_TIMEOUT);
                if (!result.succeeded()) {
                    return Optional.of(String.join(" ", tool) + " failed: " + result.output().strip());
                }
            } catch (LabException e) {
                return Optional.of(tool.getFirst() + " is not installed (Debian packages iproute2, nftables): "
                        + e.getMessage());
            }
        }
        String probe = Lab.NAMESPACE_PREFIX + "probe-" + ProcessHandle.current().pid();
        ExecResult add = Commands.exec(Arrays.asList("ip", "netns", "add", probe), null, Commands.DEFAULT_TIMEOUT);
        if (!add.succeeded()) {
            return Optional.of("ip netns add failed: " + add.output().strip());
        }
        Commands.exec(List.of("ip", "netns", "delete", probe), null, Commands.DEFAULT_TIMEOUT);
        return Optional.empty();
    }
}
