package io.waddleperf.core.address;

import java.net.InetAddress;
import java.util.List;

/**
 * Finds the client's IP address, the key of the per-client limits. The socket peer is the client unless it is a
 * configured trusted proxy; then {@code X-Forwarded-For} is read from the right and the first hop that is not a
 * trusted proxy is the client (never the whole header, never an untrusted peer's claim).
 */
public final class ClientAddress {

    private final List<Cidr> trustedProxies;

    public ClientAddress(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().map(Cidr::parse).toList();
    }

    /** The client address for a request from {@code peer} with the given {@code X-Forwarded-For} values (may be null). */
    public String resolve(String peer, List<String> forwardedFor) {
        if (!trusted(peer) || forwardedFor == null || forwardedFor.isEmpty()) {
            return peer;
        }
        String client = peer;
        // Several X-Forwarded-For headers form one list in order (RFC 9110 §5.3).
        List<String> hops = forwardedFor.stream().flatMap(h -> java.util.Arrays.stream(h.split(","))).map(String::strip).toList();
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (!isLiteral(hop)) {
                return client; // a malformed hop: trust nothing beyond the last good one
            }
            client = hop;
            if (!trusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    /** Whether {@code address} (an IP literal) is one of the trusted proxies, whose forwarding headers are believed. */
    public boolean isTrustedProxy(String address) {
        return trusted(address);
    }

    private boolean trusted(String address) {
        if (trustedProxies.isEmpty() || !isLiteral(address)) {
            return false;
        }
        InetAddress a = InetAddress.ofLiteral(address);
        return trustedProxies.stream().anyMatch(c -> c.contains(a));
    }

    private static boolean isLiteral(String text) {
        try {
            InetAddress.ofLiteral(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
