package io.waddleperf.testserver.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Decides whether the test API may probe a host: every address the host resolves to must be public, unless the
 * configuration allows private targets (docs/TEST-API.md: the server must not become a proxy into its own network).
 * Checking all addresses matters because the probe may connect to any of them. The probe resolves the host again
 * through the same JVM resolver, whose positive cache ({@code networkaddress.cache.ttl}, 30 s by default) makes it
 * see the addresses checked here.
 */
public final class TargetPolicy {

    /** Name resolution as the probes do it; replaceable in tests that need a host with given addresses. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The outcome for one host. */
    public sealed interface Decision {
    }

    /** Every address is allowed. */
    public record Allowed(List<InetAddress> addresses) implements Decision {
    }

    /** An address of the host is not public; names it and why. */
    public record Refused(InetAddress address, AddressClass addressClass) implements Decision {
        public String reason() {
            return "resolves to " + address.getHostAddress() + ", a " + addressClass.label()
                    + " address; this server does not probe private targets (allow_private_targets)";
        }
    }

    /** The host has no address; the probe would fail with a DNS error. */
    public record Unresolvable(String detail) implements Decision {
    }

    private final boolean allowPrivateTargets;
    private final Resolver resolver;

    public TargetPolicy(boolean allowPrivateTargets, Resolver resolver) {
        this.allowPrivateTargets = allowPrivateTargets;
        this.resolver = resolver;
    }

    /** The policy with the system resolver. */
    public static TargetPolicy of(boolean allowPrivateTargets) {
        return new TargetPolicy(allowPrivateTargets, InetAddress::getAllByName);
    }

    public boolean allowsPrivateTargets() {
        return allowPrivateTargets;
    }

    public Decision check(String host) {
        if (allowPrivateTargets) {
            return new Allowed(List.of());
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return new Unresolvable("cannot resolve " + host);
        }
        if (addresses == null || addresses.length == 0) {
            return new Unresolvable("no address for " + host);
        }
        for (InetAddress a : addresses) {
            AddressClass c = AddressClassifier.classify(a);
            if (c != AddressClass.PUBLIC) {
                return new Refused(a, c);
            }
        }
        return new Allowed(List.of(addresses));
    }
}
