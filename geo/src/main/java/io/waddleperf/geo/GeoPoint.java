package io.waddleperf.geo;

/** A point on the Earth in decimal degrees (WGS 84), with the great-circle distance to another. */
public record GeoPoint(double latitude, double longitude) {

    /** Mean Earth radius (IUGG), the usual sphere for the haversine formula. */
    static final double EARTH_RADIUS_KM = 6371.0088;
    static final double KM_PER_MILE = 1.609344;

    public GeoPoint {
        if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180)) {
            throw new IllegalArgumentException("latitude must be within -90..90 and longitude within -180..180, got "
                    + latitude + ", " + longitude);
        }
    }

    /** Great-circle distance by the haversine formula (Sinnott 1984, "Virtues of the Haversine"). */
    public double distanceKm(GeoPoint other) {
        double dLat = Math.toRadians(other.latitude - latitude);
        double dLon = Math.toRadians(other.longitude - longitude);
        double a = Math.pow(Math.sin(dLat / 2), 2)
                + Math.cos(Math.toRadians(latitude)) * Math.cos(Math.toRadians(other.latitude)) * Math.pow(Math.sin(dLon / 2), 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
    }

    public double distanceMiles(GeoPoint other) {
        return distanceKm(other) / KM_PER_MILE;
    }
}
