package io.waddleperf.net;

import java.util.Map;

/**
 * The errno values this package reacts to, with their names for messages. Linux x86-64 and aarch64 share the
 * asm-generic numbering ({@code errno-base.h}, {@code errno.h}).
 */
public final class Errno {

    private Errno() {
    }

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EINVAL = 22;
    public static final int EMSGSIZE = 90;
    public static final int EPROTONOSUPPORT = 93;
    public static final int ESOCKTNOSUPPORT = 94;
    public static final int EAFNOSUPPORT = 97;
    public static final int ENETUNREACH = 101;
    public static final int ECONNRESET = 104;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int EINPROGRESS = 115;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM (operation not permitted)"),
            Map.entry(ENOENT, "ENOENT (no such file or directory)"),
            Map.entry(EINTR, "EINTR (interrupted system call)"),
            Map.entry(EBADF, "EBADF (bad file descriptor)"),
            Map.entry(EAGAIN, "EAGAIN (resource temporarily unavailable)"),
            Map.entry(EACCES, "EACCES (permission denied)"),
            Map.entry(EINVAL, "EINVAL (invalid argument)"),
            Map.entry(EMSGSIZE, "EMSGSIZE (message too long)"),
            Map.entry(EPROTONOSUPPORT, "EPROTONOSUPPORT (protocol not supported)"),
            Map.entry(ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT (socket type not supported)"),
            Map.entry(EAFNOSUPPORT, "EAFNOSUPPORT (address family not supported)"),
            Map.entry(ENETUNREACH, "ENETUNREACH (network is unreachable)"),
            Map.entry(ECONNRESET, "ECONNRESET (connection reset by peer)"),
            Map.entry(ETIMEDOUT, "ETIMEDOUT (connection timed out)"),
            Map.entry(ECONNREFUSED, "ECONNREFUSED (connection refused)"),
            Map.entry(EINPROGRESS, "EINPROGRESS (operation now in progress)"),
            Map.entry(EHOSTUNREACH, "EHOSTUNREACH (no route to host)"));

    /** {@code NAME (description)} for known values, {@code errno N} otherwise. */
    public static String describe(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
