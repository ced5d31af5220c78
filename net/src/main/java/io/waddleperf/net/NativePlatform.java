package io.waddleperf.net;

import java.util.Locale;
import java.util.Set;

/**
 * Whether this JVM runs where the native layer's numbers hold: Linux on x86-64 or aarch64. Every constant in
 * {@link LinuxNet} and {@link Errno} and every struct layout here ({@code msghdr}, {@code cmsghdr},
 * {@code sockaddr_in6}, {@code sock_extended_err}, the netlink and {@code tcp_info} offsets) was checked for those
 * two; other architectures differ (mips, sparc and alpha number errno and socket options otherwise) and other
 * systems have no {@code setns}, error queue or netlink at all. Rather than guess, the layer refuses: {@link Libc}
 * calls {@link #require()} before any downcall. Decided once, from {@code os.name} and {@code os.arch}, on first use.
 */
public final class NativePlatform {

    /** {@code os.arch} values of the supported architectures ({@code amd64} is what the JDK reports for x86-64). */
    private static final Set<String> ARCHITECTURES = Set.of("amd64", "x86_64", "aarch64");

    /** Null when supported, else the message of the exception {@link #require()} throws. */
    private static final String PROBLEM = problem(System.getProperty("os.name", "unknown"),
            System.getProperty("os.arch", "unknown"));

    private NativePlatform() {
    }

    /** True on Linux x86-64 or aarch64. */
    public static boolean supported() {
        return PROBLEM == null;
    }

    /** Returns normally on a supported platform; otherwise throws, naming this platform and the supported ones. */
    public static void require() {
        if (PROBLEM != null) {
            throw new UnsupportedPlatformException(PROBLEM);
        }
    }

    /** The check itself, for given {@code os.name} and {@code os.arch} values (tests pass other platforms' values). */
    static void check(String osName, String osArch) {
        String problem = problem(osName, osArch);
        if (problem != null) {
            throw new UnsupportedPlatformException(problem);
        }
    }

    private static String problem(String osName, String osArch) {
        boolean linux = osName.toLowerCase(Locale.ROOT).startsWith("linux");
        if (linux && ARCHITECTURES.contains(osArch.toLowerCase(Locale.ROOT))) {
            return null;
        }
        return "unsupported platform: " + osName + "/" + osArch + "; native probes need Linux on x86_64 or aarch64";
    }
}
