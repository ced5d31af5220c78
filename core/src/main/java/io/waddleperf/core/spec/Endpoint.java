package io.waddleperf.core.spec;

/**
 * A host (name or literal address, IPv6 without brackets) and a port; port {@link #NO_PORT} (0) for probes that have
 * none (ICMP), made with {@link #hostOnly(String)}.
 */
public record Endpoint(String host, int port) {

    public static final int NO_PORT = 0;

    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new InvalidSpecException("target", "host is empty");
        }
        if (port < NO_PORT || port > 65535) {
            throw new InvalidSpecException("port", "port " + port + " is outside 1-65535");
        }
    }

    /** An endpoint without a port. */
    public static Endpoint hostOnly(String host) {
        return new Endpoint(host, NO_PORT);
    }

    public boolean hasPort() {
        return port != NO_PORT;
    }

    /** {@code host:port}, with IPv6 literals bracketed; just the host when there is no port. */
    @Override
    public String toString() {
        if (!hasPort()) {
            return host;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
