package io.waddleperf.probes.trace;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.spec.TracerouteSpec;
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
 * The last fallback of an ICMP trace: runs the system {@code traceroute} (Debian's "modern traceroute for
 * Linux", {@code -I} for ICMP echo probes) when the process may open neither an ICMP datagram nor a raw socket, and
 * reads its hop lines back into {@link PathProbe}s, so the result is built as for a native trace. Named in
 * {@code raw_results.method} as {@value #METHOD}. UDP and TCP traces need no ICMP socket and never fall back.
 */
final class SystemTraceroute {

    static final String METHOD = "system_traceroute";

    // " 3  10.0.2.2  0.050 ms !H  *  10.0.2.9  0.033 ms": hop number, then addresses, times, '*' and annotations.
    private static final Pattern HOP_LINE = Pattern.compile("^\\s*(\\d+)\\s+(.*)$");
    private static final Pattern TIME = Pattern.compile("^(\\d+(?:\\.\\d+)?)$");

    private final String executable;

    SystemTraceroute(String executable) {
        this.executable = executable;
    }

    /** The {@code traceroute} on {@code PATH} (or in /usr/sbin, where Debian puts it), or null. */
    static SystemTraceroute onPath() {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + File.pathSeparator + "/usr/sbin:/usr/bin";
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "traceroute");
            if (Files.isExecutable(candidate)) {
                return new SystemTraceroute(candidate.toString());
            }
        }
        return null;
    }

    /** traceroute's options for {@code spec}: numeric, ICMP echo, probes per hop, wait per probe, max hops. */
    List<String> command(TracerouteSpec spec, InetAddress address) {
        return List.of(executable, address instanceof Inet6Address ? "-6" : "-4", "-n", "-I",
                "-q", Integer.toString(spec.probesPerHop()),
                "-w", String.format(Locale.ROOT, "%.3f", spec.probeWait().toMillis() / 1000.0),
                "-m", Integer.toString(spec.maxHops()),
                AddressText.of(address));
    }

    /**
     * Runs traceroute toward {@code address} and returns its probes; the process is killed if it outlives the
     * spec's budget or the calling thread is interrupted (the runner's deadline).
     */
    PathTracer.Outcome run(TracerouteSpec spec, InetAddress address) throws IOException, InterruptedException, ProbeException {
        ProcessBuilder builder = new ProcessBuilder(command(spec, address)).redirectErrorStream(true);
        builder.environment().put("LC_ALL", "C");
        Process process = builder.start();
        try {
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(spec.budget().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ProbeException(ErrorKind.TIMEOUT, "system traceroute did not finish");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            PathTracer.Outcome outcome = parse(text, address, spec.maxHops());
            if (outcome.probes().isEmpty()) {
                String said = text.strip().lines().reduce((a, b) -> b).orElse("");
                // Without root traceroute cannot open its ICMP socket either ("You do not have enough privileges to
                // use this traceroute method." then "socket: Operation not permitted"): the same refusal the native
                // socket call met, so the same kind.
                ErrorKind kind = deniedPrivileges(text) ? ErrorKind.PERMISSION_DENIED : ErrorKind.INTERNAL_ERROR;
                throw new ProbeException(kind, "system traceroute failed (exit " + process.exitValue() + "): "
                        + (kind == ErrorKind.PERMISSION_DENIED ? text.strip().lines().findFirst().orElse(said) + " (" + said
                        + "; ICMP needs CAP_NET_RAW or net.ipv4.ping_group_range)" : said));
            }
            return outcome;
        } finally {
            process.destroyForcibly();
        }
    }

    /** Whether traceroute's output says it was refused its socket for want of privileges. */
    static boolean deniedPrivileges(String output) {
        String lower = output.toLowerCase(Locale.ROOT);
        return lower.contains("not have enough privileges") || lower.contains("operation not permitted")
                || lower.contains("permission denied");
    }

    /**
     * Reads traceroute's hop lines: an address names who answered the probes after it, {@code N ms} is one answered
     * probe, {@code *} one lost, {@code !H}, {@code !N}, … (traceroute(8)) marks the probe before it as an
     * unreachable. The destination's answers count as reached. No hop lines (traceroute could not run): no probes.
     */
    static PathTracer.Outcome parse(String output, InetAddress target, int maxHops) {
        List<PathProbe> probes = new ArrayList<>();
        int serial = 0;
        int lastTtl = 0;
        for (String line : output.lines().toList()) {
            Matcher hop = HOP_LINE.matcher(line);
            if (!hop.matches()) {
                continue;
            }
            int ttl = Integer.parseInt(hop.group(1));
            lastTtl = ttl;
            InetAddress from = null;
            PathProbe last = null;
            String[] tokens = hop.group(2).trim().split("\\s+");
            for (int i = 0; i < tokens.length; i++) {
                String t = tokens[i];
                if (t.equals("*")) {
                    probes.add(new PathProbe(ttl, serial++));
                    last = null;
                } else if (TIME.matcher(t).matches() && i + 1 < tokens.length && tokens[i + 1].equals("ms")) {
                    last = new PathProbe(ttl, serial++);
                    boolean reached = target.equals(from);
                    last.answer(new PathReply(from, Double.parseDouble(t), reached ? PathReply.Kind.REACHED
                            : PathReply.Kind.TIME_EXCEEDED, null));
                    probes.add(last);
                    i++;
                } else if (t.startsWith("!") && last != null && !target.equals(from)) {
                    PathReply r = last.reply();
                    PathProbe marked = new PathProbe(ttl, last.serial());
                    marked.answer(new PathReply(r.from(), r.rttMs(), PathReply.Kind.UNREACHABLE, note(t)));
                    probes.set(probes.size() - 1, marked);
                    last = marked;
                } else if (!t.startsWith("!")) {
                    from = address(t);
                }
            }
        }
        boolean reached = probes.stream().anyMatch(p -> p.answered() && p.reply().kind() == PathReply.Kind.REACHED);
        boolean unreachable = probes.stream().anyMatch(p -> p.answered() && p.reply().kind() == PathReply.Kind.UNREACHABLE);
        String stopped = reached ? "destination" : unreachable ? "unreachable" : lastTtl >= maxHops ? "max_hops" : "silent_hops";
        return new PathTracer.Outcome(probes, lastTtl, METHOD, stopped);
    }

    /** traceroute's annotation in this project's spelling: {@code !F-1400} (frag needed, next-hop MTU) is {@code !F}. */
    private static String note(String token) {
        return token.startsWith("!F") ? "!F" : token;
    }

    private static InetAddress address(String literal) {
        try {
            // Only numeric output (-n) is parsed: an IP literal never triggers a lookup.
            return InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
