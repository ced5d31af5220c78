package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a user can ask of each probe type: its URI schemes and target form, what the common flags default to, and
 * its type-specific options ({@code --opt key=value}, URI query parameters, test API fields) with their defaults.
 * Help and shell completion read this; the specs' factories stay the place where the values are read and checked,
 * and a test keeps the option names here equal to the names each factory accepts.
 */
public final class ProbeCatalog {

    /** One type-specific option: its name, its default as a user would write it, and what it does. */
    public record Option(String key, String dflt, String about) {
    }

    /**
     * One probe type.
     *
     * @param schemes the URI schemes naming it, the first the one to write
     * @param form the target as written, with optional parts in brackets
     * @param about what it measures, in a few words
     * @param flags what {@code --count}, {@code --interval}, {@code --timeout} and {@code --size} mean and default to
     *     for it
     */
    public record Probe(TestType type, List<String> schemes, String form, String about, String flags,
                        List<Option> options) {

        /** The option of that name, if this probe has one. */
        public Optional<Option> option(String key) {
            return options.stream().filter(o -> o.key().equals(key)).findFirst();
        }
    }

    private static final List<Option> TLS_CLIENT = List.of(
            new Option("ca_file", "(system trust)", "PEM file of CA certificates trusted besides the system's"),
            new Option("verify", "true", "check the certificate chain and host name; false still reports the outcome"));

    private static final List<Option> PATH = List.of(
            new Option("proto", "icmp", "what the probes are: icmp, udp or tcp"),
            new Option("port", "udp " + TracerouteSpec.UDP_BASE_PORT + ", tcp " + TracerouteSpec.DEFAULT_TCP_PORT,
                    "destination port of udp and tcp probes"),
            new Option("max_hops", Integer.toString(TracerouteSpec.DEFAULT_MAX_HOPS), "highest TTL tried"),
            new Option("resolve", "true", "look up the name of each hop"));

    private static final List<Option> SERVICE_PATH = List.of(
            new Option("max_hops", Integer.toString(TracerouteSpec.DEFAULT_MAX_HOPS), "highest TTL tried"),
            new Option("resolve", "true", "look up the name of each hop"));

    private static final List<Option> HTTP = concat(List.of(
            new Option("method", "get", "get, post, head or options"),
            new Option("protocol", "auto", "auto, http1 or http2"),
            new Option("follow_redirects", "true", "follow 3xx answers"),
            new Option("max_body_bytes", "(the whole body)", "stop reading a body after this many bytes (64K, 1M)"),
            new Option("tls_library", "auto", "https: auto (the system's OpenSSL, else the JDK's TLS), openssl or jsse")),
            TLS_CLIENT);

    private static final List<Probe> PROBES = List.of(
            new Probe(TestType.TCP, List.of("tcp"), "tcp://host:port", "TCP connect time (the port is required)",
                    "--count 1, --interval 100ms, --timeout 10s per attempt", List.of()),
            new Probe(TestType.TLS, List.of("tls"), "tls://host[:" + TlsSpec.DEFAULT_PORT + "]",
                    "TCP connect and TLS handshake, version, certificate facts",
                    "--count 1, --interval 100ms, --timeout 10s per attempt", concat(List.of(
                            new Option("sni", "(the host)", "server name sent and checked against the certificate"),
                            new Option("tls_library", "auto", "auto (the system's OpenSSL, else the JDK's TLS), openssl or jsse")),
                            TLS_CLIENT)),
            new Probe(TestType.UDP, List.of("udp"), "udp://host[:" + UdpSpec.DEFAULT_PORT + "]",
                    "UDP echo against a waddleperf testserver: RTT, jitter, loss",
                    "--count 10, --interval 100ms, --timeout 2s after the last send, --size 64 (" + UdpSpec.MIN_SIZE
                            + "-" + UdpSpec.MAX_SIZE + " bytes)",
                    List.of(new Option("token", "(none)", "echo token of a server that requires one"))),
            new Probe(TestType.UDP_RAW, List.of("udp-raw", "udp_raw"), "udp-raw://host[:" + UdpRawSpec.DEFAULT_PORT + "]",
                    "one datagram to any UDP service: did anything answer, and how fast",
                    "--count 1, --interval 100ms, --timeout 2s, --size 1 (zero bytes sent when no payload_hex)",
                    List.of(new Option("payload_hex", "(--size zero bytes)", "datagram payload in hexadecimal"))),
            new Probe(TestType.DNS, List.of("dns"), "dns://resolver[:" + DnsSpec.DEFAULT_PORT + "]/name?type=A",
                    "query time against one resolver, with the answer records",
                    "--count 1, --interval 100ms, --timeout 5s per query", List.of(
                            new Option("type", "a", "record type: a, aaaa, cname, mx, ns, txt, soa, ptr, srv, caa, any"),
                            new Option("name", "(the URI path, else example.com)", "name to query"),
                            new Option("query", "(as name)", "same as name"),
                            new Option("tcp", "false", "query over TCP instead of UDP"))),
            new Probe(TestType.HTTP, List.of("http", "https"), "http[s]://host[:port]/path",
                    "HTTP request phases: dns, connect, tls, time to first byte, transfer",
                    "--count 1, --interval 100ms, --timeout 30s per request", HTTP),
            new Probe(TestType.SSH, List.of("ssh"), "ssh://[user@]host[:" + SshSpec.DEFAULT_PORT + "]",
                    "SSH connect, banner and key exchange; with credentials echo round trips and an upload",
                    "--count 10 echo round trips, --timeout 15s, --size the upload (default 16 MiB, up to 1 GiB)",
                    List.of(
                            new Option("user", "(the URI's user)", "login name"),
                            new Option("password", "(none)", "password; give it from a file or the environment, "
                                    + "never in the URI"),
                            new Option("key_file", "(none)", "private key file"),
                            new Option("upload_bytes", Integer.toString(SshSpec.DEFAULT_UPLOAD_BYTES),
                                    "bytes uploaded to time the channel (0: none); same as --size"),
                            new Option("cipher", "(chacha20-poly1305@openssh.com first)", "offer only this cipher: "
                                    + String.join(", ", SshSpec.CIPHERS)))),
            new Probe(TestType.ICMP, List.of("icmp"), "icmp://host",
                    "ping: RTT, jitter, loss (needs CAP_NET_RAW or ping_group_range)",
                    "--count 4, --interval 1s (at least 10ms), --timeout 10s after the last send, --size "
                            + IcmpSpec.DEFAULT_SIZE + " (0-" + IcmpSpec.MAX_SIZE + " bytes)", List.of(
                            new Option("ttl", "(system default)", "IP TTL / IPv6 hop limit, 1-255"),
                            new Option("df", "false", "set don't-fragment, as ping -M do"))),
            new Probe(TestType.TRACEROUTE, List.of("trace", "traceroute"), "trace://host",
                    "traceroute: the hops toward the host",
                    "--count 3 probes per hop (1-10), --timeout 2s wait per probe", PATH),
            new Probe(TestType.MTR, List.of("mtr"), "mtr://host", "mtr report: loss and RTT per hop over cycles",
                    "--count 10 cycles, --interval 1s between cycles, --timeout 2s wait per probe", PATH),
            new Probe(TestType.MTU, List.of("mtu"), "mtu://host",
                    "path MTU search between min and max, PMTU black holes",
                    "--count 3 attempts per size, --timeout 1s per attempt; no --size", List.of(
                            new Option("min", Integer.toString(MtuSpec.DEFAULT_MIN_BYTES), "smallest packet tried, bytes (IPv6: " + MtuSpec.DEFAULT_MIN_BYTES_IPV6 + ")"),
                            new Option("max", Integer.toString(MtuSpec.DEFAULT_MAX_BYTES), "largest packet tried, bytes"))),
            new Probe(TestType.HTTP_TRACE, List.of("http-trace", "http_trace"), "http-trace://host[:443]",
                    "traceroute over TCP to a web server, then an HTTP request",
                    "as for http", concat(SERVICE_PATH, List.of(
                            new Option("scheme", "https", "http or https")), HTTP)),
            new Probe(TestType.TCP_TRACE, List.of("tcp-trace", "tcp_trace"),
                    "tcp-trace://host[:" + ServiceTraceSpec.DEFAULT_TCP_PORT + "]",
                    "traceroute over TCP to a service, then a TCP connect", "as for tcp", SERVICE_PATH),
            new Probe(TestType.UDP_TRACE, List.of("udp-trace", "udp_trace"),
                    "udp-trace://host[:" + ServiceTraceSpec.DEFAULT_UDP_PORT + "]",
                    "traceroute over UDP to a service, then one datagram", "as for udp-raw", concat(SERVICE_PATH,
                            List.of(new Option("payload_hex", "(--size zero bytes)", "datagram payload in hexadecimal")))),
            new Probe(TestType.SPEEDTEST, List.of("speedtest"), "speedtest://host[:" + SpeedtestSpec.DEFAULT_PORT + "]",
                    "HTTP download and upload throughput, idle and loaded latency",
                    "--timeout 10s per request", concat(List.of(
                            new Option("tls", "false", "HTTPS instead of HTTP"),
                            new Option("librespeed", "false", "talk to a LibreSpeed server's endpoints"),
                            new Option("path", "(none)", "path prefix of the endpoints, e.g. /speed"),
                            new Option("download_streams", "6", "parallel download streams, 1-32"),
                            new Option("upload_streams", "3", "parallel upload streams, 1-32"),
                            new Option("duration_ms", "10000", "length of each direction"),
                            new Option("download_grace_ms", "1500", "start of the download not counted"),
                            new Option("upload_grace_ms", "3000", "start of the upload not counted"),
                            new Option("stream_delay_ms", "300", "gap between starting streams"),
                            new Option("pings", "10", "idle latency samples, 2-100")), TLS_CLIENT)),
            new Probe(TestType.RPM, List.of("rpm"), "rpm://host[:" + RpmSpec.DEFAULT_PORT + "]",
                    "responsiveness under working conditions (round trips per minute)",
                    "--timeout 10s per request", concat(List.of(
                            new Option("tls", "false", "HTTPS instead of HTTP"),
                            new Option("direction", "download", "download or upload load"),
                            new Option("max_connections", "16", "most load connections, 1-64"),
                            new Option("connections_per_interval", "1", "load connections added per interval, 1-16"),
                            new Option("interval_ms", "1000", "length of one interval"),
                            new Option("probe_interval_ms", "100", "gap between latency probes"),
                            new Option("max_duration_ms", "20000", "longest test")), TLS_CLIENT)),
            new Probe(TestType.IPERF3, List.of("iperf3"), "iperf3://host[:" + Iperf3Spec.DEFAULT_PORT + "]",
                    "bandwidth over the iperf3 protocol against any iperf3 server",
                    "--timeout the test time plus 10s; the options also have flags (--time, --parallel, ...)",
                    List.of(
                            new Option("time", "10s", "test length, whole seconds"),
                            new Option("parallel", "1", "parallel streams, 1-128"),
                            new Option("reverse", "false", "the server sends (download)"),
                            new Option("bidir", "false", "both directions at once"),
                            new Option("udp", "false", "UDP instead of TCP"),
                            new Option("bitrate", "(TCP unlimited, UDP 1M)", "target rate per stream, e.g. 100M"),
                            new Option("length", "(TCP 128K, UDP 1460)", "block or datagram size"),
                            new Option("window", "(system)", "socket buffer size, e.g. 2M"),
                            new Option("omit", "0s", "seconds at the start not counted"))));

    private ProbeCatalog() {
    }

    @SafeVarargs
    private static List<Option> concat(List<Option>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toList();
    }

    /** Every probe type, in the order help lists them. */
    public static List<Probe> all() {
        return PROBES;
    }

    /** The probe a URI scheme (or a test type's wire name) names, case-insensitively. */
    public static Optional<Probe> byScheme(String scheme) {
        String s = scheme.toLowerCase(Locale.ROOT);
        return PROBES.stream().filter(p -> p.schemes().contains(s) || p.type().wireName().equals(s)).findFirst();
    }

    /** The probe of a target URI ({@code scheme://…}), if its scheme names one. */
    public static Optional<Probe> forTarget(String target) {
        int sep = target == null ? -1 : target.indexOf("://");
        return sep <= 0 ? Optional.empty() : byScheme(target.substring(0, sep));
    }

    /** Every scheme, the first of each probe first. */
    public static List<String> schemes() {
        return PROBES.stream().flatMap(p -> p.schemes().stream()).toList();
    }
}
