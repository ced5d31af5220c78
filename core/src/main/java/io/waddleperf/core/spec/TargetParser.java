package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

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
        if (type == TestType.HTTP) {
            URI url = httpUrl(target, port);
            return HttpSpec.of(target, url, options.withParams(query(url)));
        }
        if (type == TestType.HTTP_TRACE && target.matches("(?i)https?://.*")) {
            URI url = httpUrl(target, port);
            return ServiceTraceSpec.ofUrl(target, url, options);
        }
        URI uri = uri(target.contains("://") ? uriSafeScheme(target) : "x://" + target);
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

    /**
     * The target as results show it: secret query parameters ({@code token}, {@code password}) masked, because
     * results are stored, exported and printed while the secret only has to reach the prober.
     */
    static String redacted(String target) {
        return target.replaceAll("(?i)([?&](?:token|password)=)[^&]*", "$1***");
    }

    private static URI httpUrl(String target, Integer port) {
        String text = target.contains("://") ? target : "http://" + target;
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

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidSpecException("target", "'" + text + "' is not a valid URI: " + e.getReason());
        }
    }

    private static String host(URI uri, String original) {
        String host = uri.getHost();
        if (host == null) {
            if (uri.getAuthority() != null && uri.getPort() == -1 && uri.getAuthority().matches(".*:[^\\]]*")) {
                throw new InvalidSpecException("port", "invalid port in '" + original + "'");
            }
            throw new InvalidSpecException("target", "no valid host in '" + original + "'");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!host.matches("[A-Za-z0-9_.:%-]+") || host.length() > 253) {
            throw new InvalidSpecException("target", "'" + host + "' is neither an IP address nor a DNS-safe name");
        }
        return host;
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
