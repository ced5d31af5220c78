package io.waddleperf.geo;

import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.AsnResponse;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.record.Subdivision;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One open {@code .mmdb} file. Its schema is taken from the file's metadata and first record: MaxMind's City and
 * ASN schemas (GeoLite2, GeoIP2, DB-IP's own lite downloads) are read through the geoip2 library; the flat schema
 * of the ip-location-db packages ({@code country_code}, {@code state1}, {@code city}, {@code latitude},
 * {@code longitude}) through maxmind-db's low-level reader.
 */
final class GeoDatabase implements Closeable {

    /** How a file's records are laid out. */
    enum Schema { MAXMIND_CITY, MAXMIND_ASN, FLAT }

    private final Path path;
    private final Reader low;
    private final DatabaseReader maxmind;
    private final Schema schema;

    private GeoDatabase(Path path, Reader low, DatabaseReader maxmind, Schema schema) {
        this.path = path;
        this.low = low;
        this.maxmind = maxmind;
        this.schema = schema;
    }

    /** Opens {@code path} memory-mapped; replace the file by renaming a new one over it, as geoipupdate does. */
    static GeoDatabase open(Path path) throws IOException {
        Reader low = new Reader(path.toFile(), Reader.FileMode.MEMORY_MAPPED);
        try {
            String type = low.getMetadata().databaseType().toLowerCase(Locale.ROOT);
            Schema schema;
            if (type.contains("asn") || type.contains("isp")) {
                schema = Schema.MAXMIND_ASN;
            } else if ((type.contains("city") || type.contains("country")) && !isFlat(low)) {
                schema = Schema.MAXMIND_CITY;
            } else if (isFlat(low)) {
                schema = Schema.FLAT;
            } else {
                throw new IOException(path + ": database type '" + low.getMetadata().databaseType()
                        + "' is neither a City/Country/ASN database nor the flat country_code/city schema");
            }
            DatabaseReader maxmind = schema == Schema.FLAT ? null : new DatabaseReader.Builder(path.toFile())
                    .fileMode(Reader.FileMode.MEMORY_MAPPED).build();
            return new GeoDatabase(path, low, maxmind, schema);
        } catch (IOException | RuntimeException e) {
            low.close();
            throw e;
        }
    }

    /** Whether the file's records carry a top-level {@code country_code} string (the ip-location-db layout). */
    private static boolean isFlat(Reader reader) throws IOException {
        com.maxmind.db.Networks<Map> networks;
        try {
            networks = reader.networks(false, Map.class);
        } catch (com.maxmind.db.InvalidNetworkException e) {
            throw new IOException(e.getMessage(), e);
        }
        return networks.hasNext() && networks.next().data() instanceof Map<?, ?> m && m.get("country_code") instanceof String;
    }

    Path path() {
        return path;
    }

    Schema schema() {
        return schema;
    }

    Metadata metadata() {
        return low.getMetadata();
    }

    Instant buildTime() {
        return low.getMetadata().buildTime();
    }

    /** What this file knows about {@code address} (empty when it has no record or cannot hold that family). */
    Optional<GeoLocation> lookup(InetAddress address, GeoLocation base) throws IOException {
        if (address instanceof Inet6Address && low.getMetadata().ipVersion() == 4) {
            return Optional.empty();
        }
        try {
            return switch (schema) {
                case MAXMIND_CITY -> maxmind.tryCity(address).map(r -> fromCity(base, r));
                case MAXMIND_ASN -> maxmind.tryAsn(address).map(r -> fromAsn(base, r));
                case FLAT -> Optional.ofNullable(low.get(address, Map.class)).map(r -> fromFlat(base, r));
            };
        } catch (GeoIp2Exception e) {
            throw new IOException(path + ": " + e.getMessage(), e);
        }
    }

    private static GeoLocation fromCity(GeoLocation base, CityResponse r) {
        Subdivision sub = r.subdivisions().isEmpty() ? null : r.subdivisions().getFirst();
        return new GeoLocation(base.ip(), base.scope(), r.country().isoCode(), r.country().name(),
                sub == null ? null : sub.name(), r.city().name(), r.location().latitude(), r.location().longitude(),
                null, null);
    }

    private static GeoLocation fromAsn(GeoLocation base, AsnResponse r) {
        return new GeoLocation(base.ip(), base.scope(), null, null, null, null, null, null,
                r.autonomousSystemNumber(), r.autonomousSystemOrganization());
    }

    private static GeoLocation fromFlat(GeoLocation base, Map<?, ?> r) {
        return new GeoLocation(base.ip(), base.scope(), text(r.get("country_code")), null, text(r.get("state1")),
                text(r.get("city")), number(r.get("latitude")), number(r.get("longitude")), null, null);
    }

    private static String text(Object o) {
        return o instanceof String s && !s.isBlank() ? s : null;
    }

    private static Double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : null;
    }

    @Override
    public void close() throws IOException {
        try {
            low.close();
        } finally {
            if (maxmind != null) {
                maxmind.close();
            }
        }
    }
}
