package io.waddleperf.iperf3;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's CPU use over an interval, in percent of one core split into user and system time, as iperf3 reports
 * it ({@code cpu_util}, {@code src/iperf_util.c}: CPU time delta / wall time delta × 100, so it can exceed 100 with
 * several threads).
 *
 * <p>User and system time come from {@code /proc/self/stat} (fields 14 and 15, in clock ticks of 1/100 s, the Linux
 * USER_HZ); where that file is missing, the total comes from {@code OperatingSystemMXBean#getProcessCpuTime} and is
 * reported as user time.
 */
public final class CpuMeter {

    private static final Path PROC_STAT = Path.of("/proc/self/stat");
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final long startWallNanos;
    private final long[] start;

    /** Percentages over the interval. */
    public record Usage(double totalPercent, double userPercent, double systemPercent) {
    }

    private CpuMeter() {
        this.startWallNanos = System.nanoTime();
        this.start = sample();
    }

    /** Starts measuring now. */
    public static CpuMeter start() {
        return new CpuMeter();
    }

    /** CPU use since {@link #start()}. */
    public Usage usage() {
        long[] now = sample();
        double wall = Math.max(1, System.nanoTime() - startWallNanos);
        double user = 100.0 * (now[0] - start[0]) / wall;
        double system = 100.0 * (now[1] - start[1]) / wall;
        return new Usage(user + system, user, system);
    }

    /** {user nanos, system nanos}. */
    private static long[] sample() {
        try {
            String stat = Files.readString(PROC_STAT);
            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[11]) * NANOS_PER_TICK, Long.parseLong(f[12]) * NANOS_PER_TICK};
        } catch (IOException | RuntimeException e) {
            var os = ManagementFactory.getOperatingSystemMXBean();
            long total = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
            return new long[] {Math.max(0, total), 0};
        }
    }
}
