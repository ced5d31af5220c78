package io.waddleperf.geo;

/**
 * What the GeoIP databases know about one address: its scope (public, private, loopback, …) and, for public
 * addresses, whichever of country, region, city, coordinates and autonomous system the databases hold (null
 * where none does).
 *
 * @param ip             the address looked up, in canonical text form
 * @param scope          what kind of address it is; only {@link AddressScope#PUBLIC} addresses are looked up
 * @param countryCode    ISO 3166-1 alpha-2 code
 * @param countryName    English country name (MaxMind databases only)
 * @param region         first-level subdivision (state, province)
 * @param city           city name
 * @param latitude       degrees north
 * @param longitude      degrees east
 * @param asn            autonomous system number
 * @param asOrganization the autonomous system's organisation
 */
public record GeoLocation(String ip, AddressScope scope, String countryCode, String countryName, String region,
                          String city, Double latitude, Double longitude, Long asn, String asOrganization) {

    /** An address of {@code scope} with nothing known about it yet. */
    public static GeoLocation empty(String ip, AddressScope scope) {
        return new GeoLocation(ip, scope, null, null, null, null, null, null, null, null);
    }

    /** This location with every field still null taken from {@code other}. */
    GeoLocation fillFrom(GeoLocation other) {
        return new GeoLocation(ip, scope, or(countryCode, other.countryCode), or(countryName, other.countryName),
                or(region, other.region), or(city, other.city),
                latitude != null ? latitude : other.latitude, latitude != null ? longitude : other.longitude,
                or(asn, other.asn), or(asOrganization, other.asOrganization));
    }

    /** The coordinates, when known. */
    public java.util.Optional<GeoPoint> point() {
        return latitude == null || longitude == null ? java.util.Optional.empty()
                : java.util.Optional.of(new GeoPoint(latitude, longitude));
    }

    private static <T> T or(T a, T b) {
        return a != null ? a : b;
    }
}
