package io.waddleperf.manager.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a result's client and target are, as the GeoIP databases knew at ingest; stored in the result's columns and
 * shown as the result's {@code geo} object.
 *
 * @param clientIp the submitting client's address, or null
 * @param client   what is known of it (all null when nothing)
 * @param target   what is known of the target's address
 */
public record ResultGeo(String clientIp, Place client, Place target) {

    /** Nothing known. */
    public static final ResultGeo NONE = new ResultGeo(null, Place.NONE, Place.NONE);

    /**
     * One address's place; any field may be null.
     *
     * @param countryCode    ISO 3166-1 alpha-2
     * @param city           city name
     * @param latitude       degrees north
     * @param longitude      degrees east
     * @param asn            autonomous system number
     * @param asOrganization the autonomous system's organisation
     */
    public record Place(String countryCode, String city, Double latitude, Double longitude, Long asn,
                        String asOrganization) {

        public static final Place NONE = new Place(null, null, null, null, null, null);

        boolean isEmpty() {
            return equals(NONE);
        }

        Map<String, Object> json(String ip) {
            Map<String, Object> m = new LinkedHashMap<>();
            put(m, "ip", ip);
            put(m, "country_code", countryCode);
            put(m, "city", city);
            put(m, "latitude", latitude);
            put(m, "longitude", longitude);
            put(m, "asn", asn);
            put(m, "as_organization", asOrganization);
            return m;
        }
    }

    /**
     * The result's {@code geo} object ({@code client}, {@code target}), or null when the databases placed neither
     * address: without GeoIP a result reads back exactly as it was sent.
     */
    public Map<String, Object> json(String targetIp) {
        if (client.isEmpty() && target.isEmpty()) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        if (clientIp != null || !client.isEmpty()) {
            m.put("client", client.json(clientIp));
        }
        if (!target.isEmpty()) {
            m.put("target", target.json(targetIp));
        }
        return m;
    }

    private static void put(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
