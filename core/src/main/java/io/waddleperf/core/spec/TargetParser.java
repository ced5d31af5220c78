package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.EnumSet;

/**
 * Turns a target URI ({@code tcp://host:port}, {@code dns://resolver/name?type=AAAA}, {@code https://…}) or a
 * test type plus a bare target ({@code host}, {@code host:port}, URL) into a {@link ProbeSpec}. All defaults
 * live in the spec factories; this class only splits the text.
 */
public final class TargetParser {

    public static final int MAX_TARGET_LENGTH = 255;

    private TargetParser() {
    }

    /** Parses a target URI whose scheme names the probe type. */
    public static ProbeSpec parse(String target, ProbeOptions options) {
        if (target == null || target.isBlank()) {
            throw new InvalidSpecException("target", "is empty");
        }
        int sep = target.indexOf("://");
        if (sep <= 0) {
            throw new InvalidSpecException("target", "'" + target + "' has no scheme; write e.g. tcp://host:port, udp://host, dns://resolver/name, https://host/");
        }
        String scheme = target.substring(0, sep).toLowerCase(Locale.ROOT);
        TestType type = switch (scheme) {
            case "tcp" -> TestType.TCP;
            case "tls" -> TestType.TLS;
            case "udp" -> TestType.UDP;
            case "udp-raw", "udp_raw" -> TestType.UDP_RAW;
            case "dns" -> TestType.DNS;
            case "http", "https" -> TestType.HTTP;
            case "ssh" -> TestType.SSH;
            case "icmp" -> TestType.ICMP;
            case "trace", "traceroute" -> TestType.TRACEROUTE;
            case "mtr" -> TestType.MTR;
            case "http-trace", "http_trace" -> TestType.HTTP_TRACE;
            case "tcp-trace", "tcp_trace" -> TestType.TCP_TRACE;
            case "udp-trace", "udp_trace" -> TestType.UDP_TRACE;
            case "speedtest" -> TestType.SPEEDTEST;
            case "rpm" -> TestType.RPM;
            case "mtu" -> TestType.MTU;
            case "iperf3" -> TestType.IPERF3;
            default -> throw new InvalidSpecException("target", "unknown scheme '" + scheme
                    + "' (supported: tcp, tls, udp, udp-raw, dns, http, https, ssh, icmp, trace, mtr, http-trace, tcp-trace,"
                    + " udp-trace, speedtest, rpm, mtu, iperf3)");
        };
        return forType(type, target, null, options);
    }

    /**
     * Builds the spec for {@code type} from a target that may be a URI, {@code host:port} or a bare host; an
     * explicit {@code port} overrides the one in the target.
     */
    public static ProbeSpec forType(TestType type, String target, Integer port, ProbeOptions options) {
        if (target == null || target.isBlank()) {
            throw new InvalidSpecException("target", "is empty");
        }
        target = target.strip();
        if (target.length() > MAX_TARGET_LENGTH) {
            throw new InvalidSpecException("target", "longer than " + MAX_TARGET_LENGTH + " characters");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw new InvalidSpecException("port", "port " + port + " is outside 1-65535");
        }
        refuseSizeWithout(type, options);
        if (type == TestType.HTTP) {
            URI url = httpUrl(target, port);
            return HttpSpec.of(target, url, options.withParams(query(url)));
        }
        if (type == TestType.HTTP_TRACE && target.matches("(?i)https?://.*")) {
            URI url = httpUrl(target, port);
            return ServiceTraceSpec.ofUrl(target, url, options);
        }
        URI uri = uri(bracketBareIpv6(target.contains("://") ? uriSafeScheme(target) : "x://" + target));
        String host = host(uri, target);
        Integer p = port != null ? port : uri.getPort() == -1 ? null : uri.getPort();
        if (p != null && p < 1) {
            throw new InvalidSpecException("port", "port " + p + " is outside 1-65535");
        }
        ProbeOptions o = options.withParams(query(uri));
        target = redacted(target);
        return switch (type) {
            case TCP -> TcpSpec.of(target, host, p, o);
            case TLS -> TlsSpec.of(target, host, p, o);
            case UDP -> UdpSpec.of(target, host, p, o);
            case UDP_RAW -> UdpRawSpec.of(target, host, p, o);
            case DNS -> DnsSpec.of(target, host, p, stripSlash(uri.getPath()), o);
            case SSH -> SshSpec.of(target, uri.getUserInfo(), host, p, o);
            case ICMP -> IcmpSpec.of(target, host, p, o);
            case TRACEROUTE -> TracerouteSpec.of(target, host, p, o);
            case MTR -> MtrSpec.of(target, host, p, o);
            case HTTP_TRACE, TCP_TRACE, UDP_TRACE -> ServiceTraceSpec.of(type, target, host, p, o);
            case SPEEDTEST -> SpeedtestSpec.of(target, host, p, o);
            case RPM -> RpmSpec.of(target, host, p, o);
            case MTU -> MtuSpec.of(target, host, p, o);
            case IPERF3 -> Iperf3Spec.of(target, host, p, o);
            default -> throw new InvalidSpecException("test_type", "'" + type.wireName() + "' probes are not available in this version");
        };
    }

    /** The probe types whose attempts carry a payload of the size asked for (mtu refuses it in its own words). */
    private static final Set<TestType> SIZED = EnumSet.of(TestType.UDP, TestType.UDP_RAW, TestType.UDP_TRACE,
            TestType.ICMP, TestType.SSH, TestType.MTU);

    /**
     * A size given to a probe that sends nothing of a chosen size is refused rather than ignored: the user meant
     * something by it, and a result measured without it would be taken for one measured with it.
     */
    private static void refuseSizeWithout(TestType type, ProbeOptions options) {
        if (options.sizeBytes() == null || SIZED.contains(type)) {
            return;
        }
        throw new InvalidSpecException("size", type.wireName() + " probes have no size"
                + (type == TestType.IPERF3 ? "; the block size of iperf3 is --length (or the length option)"
                        : "; a size applies to udp, udp-raw, udp-trace, icmp, ssh"));
    }

    /**
     * The target as results show it: secret query parameters ({@code token}, {@code password}) masked, because
     * results are stored, exported and printed while the secret only has to reach the prober.
     */
    static String redacted(String target) {
        return target.replaceAll("(?i)([?&](?:token|password)=)[^&]*", "$1***");
    }

    private static URI httpUrl(String target, Integer port) {
        String text = bracketBareIpv6(target.contains("://") ? target : "http://" + target);
        URI url = uri(text);
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidSpecException("target", "an http probe needs an http:// or https:// URL, got '" + target + "'");
        }
        host(url, target);
        if (port != null) {
            try {
                url = new URI(scheme, url.getUserInfo(), url.getHost(), port, url.getPath(), url.getQuery(), url.getFragment());
            } catch (URISyntaxException e) {
                throw new InvalidSpecException("target", e.getMessage());
            }
        }
        if (url.getPath() == null || url.getPath().isEmpty()) {
            url = url.resolve("/");
        }
        return url;
    }

    /**
     * The target with '_' in its scheme written '-': the accepted spellings {@code tcp_trace://}, {@code udp_raw://}
     * are not URI schemes (RFC 3986 §3.1 allows letters, digits, '+', '-', '.'), and only the host, port and query
     * are read from the URI.
     */
    private static String uriSafeScheme(String target) {
        int sep = target.indexOf("://");
        return target.substring(0, sep).replace('_', '-') + target.substring(sep);
    }

    /**
     * {@code icmp://::1} read as {@code icmp://[::1]}: an IPv6 literal written without brackets is unambiguous as long
     * as nothing follows it, and it can carry no port (a port needs the brackets, {@code [::1]:5201}).
     */
    static String bracketBareIpv6(String text) {
        int start = text.indexOf("://") + 3;
        int end = start;
        while (end < text.length() && "/?#".indexOf(text.charAt(end)) < 0) {
            end++;
        }
        String authority = text.substring(start, end);
        int at = authority.lastIndexOf('@');
        String host = authority.substring(at + 1);
        if (host.indexOf(':') == host.lastIndexOf(':') || !host.matches("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?")) {
            return text;
        }
        return text.substring(0, start + at + 1) + "[" + host + "]" + text.substring(end);
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidSpecException("target", "'" + text + "' is not a valid URI: " + e.getReason());
        }
    }

    private static String host(URI uri, String original) {
        String host = uri.getHost();
        if (host == null && uri.getAuthority() != null) {
            // java.net.URI takes no host from an authority whose host looks like a malformed dotted quad (127.1)
            String authority = uri.getAuthority().substring(uri.getAuthority().lastIndexOf('@') + 1);
            String bare = authority.matches("[^:\\[\\]]*:\\d*") ? authority.substring(0, authority.indexOf(':')) : authority;
            if (ambiguousIpv4(bare)) {
                throw ambiguous(bare);
            }
        }
        if (host == null) {
            if (uri.getAuthority() != null && uri.getPort() == -1 && uri.getAuthority().matches(".*:[^\\]]*")) {
                throw new InvalidSpecException("port", "invalid port in '" + original + "'"
                        + (uri.getAuthority().indexOf(':') != uri.getAuthority().lastIndexOf(':')
                        ? "; an IPv6 address with a port is written [::1]:port" : ""));
            }
            throw new InvalidSpecException("target", "no valid host in '" + original + "'");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!host.matches("[A-Za-z0-9_.:%-]+") || host.length() > 253) {
            throw new InvalidSpecException("target", "'" + host + "' is neither an IP address nor a DNS-safe name");
        }
        if (ambiguousIpv4(host)) {
            throw ambiguous(host);
        }
        return host;
    }

    private static InvalidSpecException ambiguous(String host) {
        return new InvalidSpecException("target", "'" + host + "' is an ambiguous IPv4 form (tools read leading zeros,"
                + " hexadecimal parts and fewer than four parts differently: to curl and glibc 0177.0.0.1 is 127.0.0.1,"
                + " to Java 177.0.0.1); write the address as four decimal numbers 0-255, e.g. 127.0.0.1");
    }

    private static final java.util.regex.Pattern INET_ATON_PART = java.util.regex.Pattern.compile("0[xX][0-9a-fA-F]*|[0-9]+");
    private static final java.util.regex.Pattern DECIMAL_OCTET = java.util.regex.Pattern.compile("0|[1-9][0-9]{0,2}");

    /**
     * True for a host that inet_aton(3) would take for an IPv4 address (one to four dot-separated numbers, each
     * decimal, octal with a leading 0 or hexadecimal with 0x) but that is not the plain dotted quad of four decimal
     * numbers 0-255: such a form means different addresses to different tools, and no DNS name is all numbers.
     */
    static boolean ambiguousIpv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return false;
        }
        for (String part : parts) {
            if (!INET_ATON_PART.matcher(part).matches()) {
                return false;
            }
        }
        if (parts.length != 4) {
            return true;
        }
        for (String part : parts) {
            if (!DECIMAL_OCTET.matcher(part).matches() || Integer.parseInt(part) > 255) {
                return true;
            }
        }
        return false;
    }

    private static String stripSlash(String path) {
        if (path == null) {
            return null;
        }
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        String q = uri.getRawQuery();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (q == null || q.isEmpty() || scheme.equals("http") || scheme.equals("https")) {
            return params; // an HTTP URL's query string belongs to the request, not to the probe
        }
        for (String pair : q.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(k.toLowerCase(Locale.ROOT), v);
        }
        return params;
    }
}
