package io.waddleperf.manager.geo;

import io.waddleperf.geo.AddressScope;
import io.waddleperf.geo.GeoIp;
import io.waddleperf.geo.GeoLocation;
import io.waddleperf.manager.store.ResultGeo;
import java.net.InetAddress;

/**
 * Looks up a result's client and target addresses in the configured GeoIP databases before it is stored. Without
 * databases nothing is looked up (the client address is still kept). An address that is not a literal (a host name),
 * or not public (private, loopback, CGNAT …), has no place.
 */
public final class GeoEnricher {

    private static final int MAX_TEXT = 255;

    private final GeoIp geo;

    public GeoEnricher(GeoIp geo) {
        this.geo = geo;
    }

    /** No databases. */
    public static GeoEnricher none() {
        return new GeoEnricher(GeoIp.none());
    }

    /** What is known of these addresses; either may be null. */
    public ResultGeo of(String clientIp, String targetIp) {
        String client = literal(clientIp) == null ? null : literal(clientIp).getHostAddress();
        return new ResultGeo(client, place(clientIp), place(targetIp));
    }

    /**
     * Lookups for one request's results: the client is looked up once, each distinct target once (a batch repeats
     * its client always and its targets often). Not shared between requests or threads.
     */
    public ForClient forClient(String clientIp) {
        return new ForClient(of(clientIp, null));
    }

    /** {@link #of} for one client and many targets; see {@link #forClient}. */
    public final class ForClient {
        private final ResultGeo clientOnly;
        private final java.util.Map<String, ResultGeo.Place> targets = new java.util.HashMap<>();

        private ForClient(ResultGeo clientOnly) {
            this.clientOnly = clientOnly;
        }

        /** The same as {@code of(clientIp, targetIp)}. */
        public ResultGeo of(String targetIp) {
            ResultGeo.Place target = targetIp == null ? ResultGeo.Place.NONE
                    : targets.computeIfAbsent(targetIp, GeoEnricher.this::place);
            return new ResultGeo(clientOnly.clientIp(), clientOnly.client(), target);
        }
    }

    private ResultGeo.Place place(String ip) {
        InetAddress a = geo.configured() ? literal(ip) : null;
        if (a == null) {
            return ResultGeo.Place.NONE;
        }
        GeoLocation l = geo.lookup(a);
        if (l.scope() != AddressScope.PUBLIC) {
            return ResultGeo.Place.NONE;
        }
        String country = l.countryCode() != null && l.countryCode().length() == 2 ? l.countryCode() : null;
        return new ResultGeo.Place(country, cut(l.city()), l.latitude(), l.longitude(), l.asn(), cut(l.asOrganization()));
    }

    private static InetAddress literal(String ip) {
        if (ip == null || ip.isBlank() || ip.length() > 45) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(ip.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String cut(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }
}
