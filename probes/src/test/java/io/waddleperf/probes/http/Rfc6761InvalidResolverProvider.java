package io.waddleperf.probes.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The JDK's own resolver, except that names under {@code .invalid} fail at once, as RFC 6761 §6.4 asks of
 * resolver libraries. Installed for the probes tests (META-INF/services) so the unresolvable-host test exercises
 * the real {@code InetAddress} path without sending a query to the machine's non-loopback name server.
 */
public final class Rfc6761InvalidResolverProvider extends InetAddressResolverProvider {

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                String name = host.toLowerCase(Locale.ROOT);
                if (name.endsWith(".invalid") || name.endsWith(".invalid.")) {
                    throw new UnknownHostException(host + ": Name or service not known (RFC 6761 reserved name)");
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "rfc6761-invalid";
    }
}
