package io.waddleperf.probes.icmp;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.spec.IcmpSpec;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.net.AddressText;
import java.io.File;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last fallback: runs the system {@code ping} (iputils) when the process may open neither an ICMP
 * datagram nor a raw socket, and reads its per-reply lines into an {@link EchoTally}. Only used then, and named in
 * {@code raw_results.method} as {@code system_ping}.
 */
final class SystemPing {

    // iputils: "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms" (+ " (DUP!)"); seq counts from 1.
    private static final Pattern REPLY = Pattern.compile("bytes from .*icmp_seq=(\\d+)(?: ttl=(\\d+))?(?: time=([0-9.]+) ms)?");
    private static final Pattern SENT = Pattern.compile("^(\\d+) packets transmitted");
    private static final Pattern ERROR = Pattern.compile("^From (\\S+).*icmp_seq=\\d+ (.+)$");

    private final String executable;

    SystemPing(String executable) {
        this.executable = executable;
    }

    /** The {@code ping} found on {@code PATH}, or null. */
    static SystemPing onPath() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "ping");
            if (Files.isExecutable(candidate)) {
                return new SystemPing(candidate.toString());
            }
        }
        return null;
    }

    /** ping's options for {@code spec}: numeric, count, interval, per-reply wait, data size, TTL, DF, overall deadline. */
    List<String> command(IcmpSpec spec, InetAddress address) {
        List<String> command = new ArrayList<>(List.of(executable, address instanceof Inet6Address ? "-6" : "-4", "-n",
                "-c", Integer.toString(spec.count()),
                "-i", seconds(spec.interval().toMillis()),
                "-W", seconds(spec.timeout().toMillis()),
                "-w", Long.toString(Math.max(1, (spec.budget().toMillis() + 999) / 1000)),
                "-s", Integer.toString(spec.sizeBytes())));
        if (spec.ttl() != null) {
            command.addAll(List.of("-t", spec.ttl().toString()));
        }
        if (spec.dontFragment()) {
            command.addAll(List.of("-M", "do"));
        }
        command.add(AddressText.of(address));
        return command;
    }

    /** Runs ping and tallies its output; the process is killed if it outlives the spec's budget. */
    void run(IcmpSpec spec, InetAddress address, EchoTally tally) throws IOException, InterruptedException, ProbeException {
        ProcessBuilder builder = new ProcessBuilder(command(spec, address)).redirectErrorStream(true);
        builder.environment().put("LC_ALL", "C");
        Process process = builder.start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(spec.budget().toMillis() + 2000, TimeUnit.MILLISECONDS)) {
                throw new ProbeException(ErrorKind.TIMEOUT, "system ping did not finish");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (!parse(text, spec.count(), tally)) {
                throw new ProbeException(ErrorKind.INTERNAL_ERROR, "system ping failed (exit " + process.exitValue() + "): "
                        + text.strip().lines().reduce((a, b) -> b).orElse(""));
            }
        } finally {
            process.destroyForcibly();
        }
    }

    /** Tallies ping's output; false when it has no summary line (ping could not run at all). */
    static boolean parse(String output, int count, EchoTally tally) {
        boolean summary = false;
        for (String line : output.lines().toList()) {
            Matcher sent = SENT.matcher(line);
            if (sent.find()) {
                summary = true;
                int n = Math.min(count, Integer.parseInt(sent.group(1)));
                for (int i = 0; i < n; i++) {
                    tally.sent(i);
                }
            }
        }
        for (String line : output.lines().toList()) {
            Matcher reply = REPLY.matcher(line);
            if (reply.find() && reply.group(3) != null) {
                int ttl = reply.group(2) == null ? -1 : Integer.parseInt(reply.group(2));
                tally.reply(Integer.parseInt(reply.group(1)) - 1, Double.parseDouble(reply.group(3)), ttl);
                continue;
            }
            Matcher error = ERROR.matcher(line);
            if (error.find()) {
                String what = error.group(2).toLowerCase(Locale.ROOT);
                ErrorKind kind = what.contains("net unreachable") ? ErrorKind.NETWORK_UNREACHABLE : ErrorKind.HOST_UNREACHABLE;
                tally.error(kind, error.group(2) + " from " + error.group(1), true);
            }
        }
        return summary;
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
