package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mistakes on the command line get one clear line and at most a hint, never Java's names or the whole usage. */
class CliErrorsTest {

    private static TestCommandIT.Run run(String... args) {
        return TestCommandIT.run(args);
    }

    /** A usage error: exit 2, the message and the hint, nothing of Java, no usage dump. */
    private static void assertShortError(TestCommandIT.Run r, String... expected) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(expected).doesNotContain("java.", "Exception", "Usage:", "option option");
        assertThat(r.err().lines().count()).as(r.err()).isLessThanOrEqualTo(3);
    }

    @Test
    void a_bad_duration_names_the_flag_without_java_names() {
        assertShortError(run("test", "tcp://127.0.0.1:1", "--interval", "fast"), "'--interval'", "invalid duration",
                "try 'waddleperf test --help'");
        assertShortError(run("test", "tcp://127.0.0.1:1", "--size", "lots"), "'--size'");
    }

    @Test
    void an_unknown_option_gets_one_line_and_a_hint() {
        assertShortError(run("test", "tcp://127.0.0.1:1", "--bogus"), "Unknown option: '--bogus'");
    }

    @Test
    void a_misspelt_subcommand_suggests_the_nearest() {
        TestCommandIT.Run r = run("tset", "tcp://127.0.0.1:1");
        assertShortError(r, "did you mean 'test'?");
        assertThat(r.err()).doesNotContain("testserver");
    }

    @Test
    void opt_help_lists_the_targets_options_and_a_malformed_opt_says_what_is_expected() {
        TestCommandIT.Run help = run("test", "tls://127.0.0.1:1", "--opt", "help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("sni", "ca_file", "(system trust)", "verify", "true");
        assertShortError(run("test", "tcp://127.0.0.1:1", "--opt", "verify"), "--opt takes KEY=VALUE, got 'verify'");
        TestCommandIT.Run unknown = run("test", "tcp://127.0.0.1:1", "--opt", "colour=blue");
        assertShortError(unknown, "colour: unknown option for tcp probes", "try 'waddleperf probes tcp'");
    }

    @Test
    void a_tcp_target_without_port_is_refused_naming_the_form() {
        assertShortError(run("test", "tcp://127.0.0.1"), "tcp://127.0.0.1:PORT");
    }

    @Test
    void a_bare_ipv6_literal_is_accepted_where_no_port_is_possible() {
        TestCommandIT.Run r = run("test", "icmp://::1", "--count", "1", "--timeout", "1s", "--json");
        assertThat(r.exit()).as(r.err()).isNotEqualTo(2);
        assertShortError(run("test", "tcp://::1"), "tcp://[::1]:PORT");
    }

    @Test
    void a_large_size_on_ssh_is_an_upload_not_a_datagram() throws Exception {
        TestCommandIT.Run r = run("test", "ssh://127.0.0.1:" + TestCommandIT.closedPort(), "--size", "20M", "--json");
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertShortError(run("test", "udp://127.0.0.1", "--size", "20M"), "size");
    }

    /**
     * A file option that names a missing file, a directory or something else unusable: one line naming the option
     * and the file and what is wrong, for every probe option that takes a file, no Java exception names.
     */
    @Test
    void a_file_option_naming_an_unusable_file_says_which_option_which_file_and_why(@TempDir Path dir) throws Exception {
        int closed = TestCommandIT.closedPort();
        Path missing = dir.resolve("nope.pem");
        for (String target : new String[] {"tls://127.0.0.1:" + closed, "https://127.0.0.1:" + closed + "/",
            "speedtest://127.0.0.1:" + closed + "?tls=true", "rpm://127.0.0.1:" + closed + "?tls=true"}) {
            assertOneLineFailure(run("test", target, "--opt", "ca_file=" + missing), "ca_file", missing + "",
                    "no such file");
            assertOneLineFailure(run("test", target, "--opt", "ca_file=" + dir), "ca_file", dir + "", "a directory");
        }
        Path garbled = Files.writeString(dir.resolve("garbled.pem"),
                "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n");
        assertOneLineFailure(run("test", "tls://127.0.0.1:" + closed, "--opt", "ca_file=" + garbled), "ca_file",
                garbled + "", "is not PEM certificates");
        assertOneLineFailure(run("test", "ssh://u@127.0.0.1:" + closed, "--opt", "key_file=" + missing), "key_file",
                missing + "", "no such file");
        assertOneLineFailure(run("test", "ssh://u@127.0.0.1:" + closed, "--opt", "key_file=" + dir), "key_file",
                dir + "", "a directory");
    }

    private static void assertOneLineFailure(TestCommandIT.Run r, String... expected) {
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out() + r.err()).contains(expected).contains("invalid target")
                .doesNotContain("java.", "Exception");
        assertThat((r.out() + r.err()).lines().count()).as(r.out() + r.err()).isEqualTo(1);
    }

    /** {@code --size} on a probe that sends no sized payload is refused, naming the probes that take one. */
    @Test
    void size_on_a_probe_without_a_size_is_refused_naming_where_it_applies() throws Exception {
        int closed = TestCommandIT.closedPort();
        for (String target : new String[] {"tcp://127.0.0.1:" + closed, "tls://127.0.0.1:" + closed,
            "dns://127.0.0.1:" + closed + "/a.test", "http://127.0.0.1:" + closed + "/", "trace://127.0.0.1",
            "mtr://127.0.0.1", "speedtest://127.0.0.1:" + closed, "rpm://127.0.0.1:" + closed,
            "tcp-trace://127.0.0.1:" + closed, "http-trace://127.0.0.1:" + closed}) {
            assertShortError(run("test", target, "--size", "100"), "size", "no size", "udp, udp-raw, udp-trace, icmp, ssh");
        }
        assertShortError(run("test", "iperf3://127.0.0.1:" + closed, "--size", "100"), "size", "--length");
        // the probes that do take a size still do
        TestCommandIT.Run udp = run("test", "udp-raw://127.0.0.1:" + closed, "--size", "100", "--timeout", "200ms",
                "--json");
        assertThat(udp.exit()).as(udp.err()).isEqualTo(1);
        assertThat(udp.err()).isEmpty();
    }

    @Test
    void every_subcommand_prints_the_version() {
        for (String sub : WaddlePerf.SUBCOMMANDS) {
            if (sub.equals("help") || sub.equals("iperf3")) {
                continue; // help has no --version; iperf3 answers -v/--version in iperf3's words
            }
            TestCommandIT.Run r = run(sub, "--version");
            assertThat(r.exit()).as(sub).isZero();
            assertThat(r.out()).as(sub).startsWith("waddleperf ");
        }
        assertThat(run("iperf3", "--version").out()).contains("waddleperf-iperf3", "iperf 3.12 compatible");
    }

    @Test
    void help_lines_are_never_broken_inside_a_uri() {
        String usage = run("test", "--help").out();
        for (String line : WaddlePerf.commandLine("test").getSubcommands().get("test").getCommandSpec().usageMessage()
                .description()) {
            assertThat(usage).contains(line);
        }
        assertThat(usage.lines()).allSatisfy(l -> assertThat(l).doesNotMatch(".*://\\S*[:/]$"));
    }

    @Test
    void probes_lists_every_type_and_one_types_options() {
        TestCommandIT.Run all = run("probes");
        assertThat(all.exit()).isZero();
        assertThat(all.out()).contains("tcp://host:port", "iperf3://host[:5201]", "mtu://host");
        TestCommandIT.Run rpm = run("probes", "rpm");
        assertThat(rpm.out()).contains("max_connections", "16", "direction", "download");
        assertShortError(run("probes", "nope"), "no probe type 'nope'");
    }

    @Test
    void a_busy_testserver_port_is_named_with_its_flag_and_exits_2(@TempDir Path dir) throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TestCommandIT.Run r = run("testserver", "--bind", "127.0.0.1", "--http-port",
                    String.valueOf(busy.getLocalPort()), "--no-https", "--udp-echo-port", "0", "--no-iperf3",
                    "--no-auth", "--data-dir", dir.toString());
            assertShortError(r, "TCP port " + busy.getLocalPort(), "--http-port");
        }
        try (DatagramSocket busy = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            TestCommandIT.Run r = run("testserver", "--bind", "127.0.0.1", "--http-port", "0", "--no-https",
                    "--udp-echo-port", String.valueOf(busy.getLocalPort()), "--no-iperf3", "--no-auth",
                    "--data-dir", dir.toString());
            assertShortError(r, "UDP port " + busy.getLocalPort(), "--udp-echo-port");
        }
    }

    @Test
    void completion_offers_schemes_and_the_opt_keys_of_the_targets_scheme(@TempDir Path dir) throws Exception {
        Path script = Files.writeString(dir.resolve("c.sh"), CompletionCommand.script(WaddlePerf.commandLine()));
        assertThat(complete(script, "waddleperf test tl", 2)).contains("tls://").doesNotContain("tcp://");
        assertThat(complete(script, "waddleperf test tls://h:1 --opt ", 4))
                .contains("sni=", "verify=", "help").doesNotContain("token=", "upload_bytes=");
        assertThat(complete(script, "waddleperf test ssh://h --opt ", 4)).contains("upload_bytes=", "key_file=");
    }

    private static String complete(Path script, String line, int cword) throws Exception {
        String words = line.endsWith(" ") ? line + "''" : line;
        Process p = new ProcessBuilder("bash", "-c", "source " + script + " && COMP_WORDS=(" + words + ") && COMP_CWORD="
                + cword + " && COMP_LINE='" + line + "' && _waddleperf_probe_words && printf '%s\\n' \"${COMPREPLY[@]}\"")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
