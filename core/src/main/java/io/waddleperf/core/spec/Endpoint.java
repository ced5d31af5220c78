package io.waddleperf.core.spec;

/** A host (name or literal address, IPv6 without brackets) and a port. */
public record Endpoint(String host, int port) {

    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new InvalidSpecException("target", "host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new InvalidSpecException("port", "port " + port + " is outside 1-65535");
        }
    }

    /** {@code host:port}, with IPv6 literals bracketed. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
