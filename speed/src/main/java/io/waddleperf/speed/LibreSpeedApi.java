package io.waddleperf.speed;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.waddleperf.geo.GeoIp;
import io.waddleperf.geo.GeoLocation;
import io.waddleperf.geo.GeoPoint;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * LibreSpeed's backend endpoints (docs/PROTOCOL-http-speedtest.md; librespeed/speedtest {@code backend/*.php}, speedtest-go
 * {@code web/web.go}) so LibreSpeed's web client and librespeed-cli work against this server unchanged: each served as
 * {@code /x}, {@code /x.php}, {@code /backend/x} and {@code /backend/x.php}.
 */
public final class LibreSpeedApi {

    /** LibreSpeed: default and maximum {@code ckSize} (chunks of 1 MiB). */
    public static final int DEFAULT_CHUNKS = 4;
    public static final int MAX_CHUNKS = 1024;

    private final SpeedStreams streams;
    private final GeoIp geoIp;
    private final GeoPoint serverLocation;

    public LibreSpeedApi(SpeedStreams streams, GeoIp geoIp, GeoPoint serverLocation) {
        this.streams = streams;
        this.geoIp = geoIp;
        this.serverLocation = serverLocation;
    }

    public void addRoutes(RoutesConfig routes) {
        for (String prefix : new String[] {"", "/backend"}) {
            for (String suffix : new String[] {"", ".php"}) {
                routes.get(prefix + "/garbage" + suffix, this::garbage);
                routes.get(prefix + "/empty" + suffix, this::empty);
                routes.post(prefix + "/empty" + suffix, this::empty);
                routes.get(prefix + "/getIP" + suffix, this::getIp);
                for (String name : new String[] {"/garbage", "/empty", "/getIP"}) {
                    routes.options(prefix + name + suffix, preflight());
                }
            }
        }
    }

    /** The CORS preflight answer shared by every speed endpoint. */
    public static Handler preflight() {
        return ctx -> {
            SpeedStreams.commonHeaders(ctx);
            ctx.status(204);
        };
    }

    /** LibreSpeed's download: {@code ckSize} MiB of random bytes. */
    public void garbage(Context ctx) throws Exception {
        int chunks = chunks(ctx.queryParam("ckSize"));
        streams.download(ctx, (long) chunks * RandomPayload.CHUNK_BYTES, "random.dat");
    }

    /**
     * backend/garbage.php's getChunkCount, so LibreSpeed's clients get what its own backend gives them: missing, not
     * all digits or not positive means 4, more than 1024 means 1024 (speedtest-go clamps the same way). The web
     * client sends its {@code garbagePhp_chunkSize} setting verbatim and treats any answer it cannot use as a reason
     * to re-request at once, so refusing a value here turned a mis-set page into a request storm reporting 0 Mbit/s.
     */
    public static int chunks(String value) {
        if (value == null || value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return DEFAULT_CHUNKS;
        }
        String digits = value.replaceFirst("^0+", "");
        if (digits.isEmpty()) {
            return DEFAULT_CHUNKS;
        }
        return digits.length() > 4 ? MAX_CHUNKS : Math.min(Integer.parseInt(digits), MAX_CHUNKS);
    }

    /** Upload sink and ping target: drains the body, answers 200 with no content (librespeed-cli's IsUp wants that). */
    public void empty(Context ctx) throws Exception {
        streams.sink(ctx);
        ctx.header("Connection", "keep-alive");
        ctx.status(200);
    }

    /** The caller's address (and with {@code isp=true} its network and distance) as LibreSpeed's client shows it. */
    public void getIp(Context ctx) {
        SpeedStreams.commonHeaders(ctx);
        String ip = streams.client(ctx);
        boolean isp = "true".equalsIgnoreCase(ctx.queryParam("isp"));
        String unit = ctx.queryParam("distance");
        if (unit != null && !unit.equals("km") && !unit.equals("mi")) {
            throw new SpeedRequestException("distance", "distance must be km or mi, got '" + unit + "'");
        }
        InetAddress address = InetAddress.ofLiteral(ip);
        GeoLocation location = geoIp.lookup(address);
        Map<String, Object> body = new LinkedHashMap<>();
        String label = location.scope().label(address);
        if (label != null) {
            body.put("processedString", ip + " - " + label);
            body.put("rawIspInfo", "");
        } else if (!isp) {
            body.put("processedString", ip);
            body.put("rawIspInfo", "");
        } else {
            body.put("processedString", ip + " - " + ispText(location) + distanceText(location, unit));
            body.put("rawIspInfo", ipInfo(location));
        }
        ctx.json(body);
    }

    /** backend/getIP.php: the organisation (or "Unknown ISP"), then the country. */
    private static String ispText(GeoLocation l) {
        String isp = l.asOrganization() != null ? l.asOrganization() : "Unknown ISP";
        String country = l.countryName() != null ? l.countryName() : l.countryCode();
        return country == null ? isp : isp + ", " + country;
    }

    /** backend/getIP.php: rounded to 10, and "<20 km" / "<15 mi" close by. */
    private String distanceText(GeoLocation l, String unit) {
        if (unit == null || serverLocation == null || l.point().isEmpty()) {
            return "";
        }
        GeoPoint client = l.point().get();
        double d = unit.equals("mi") ? client.distanceMiles(serverLocation) : client.distanceKm(serverLocation);
        double rounded = Math.round(d / 10) * 10.0;
        int near = unit.equals("mi") ? 15 : 20;
        String text = rounded < near ? "<" + near : String.format(Locale.ROOT, "%.0f", rounded);
        return " (" + text + " " + unit + ")";
    }

    /** The ipinfo.io-shaped object LibreSpeed's clients read ({@code ip, city, region, country, loc, org}). */
    private static Map<String, Object> ipInfo(GeoLocation l) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("ip", l.ip());
        putIfKnown(info, "city", l.city());
        putIfKnown(info, "region", l.region());
        putIfKnown(info, "country", l.countryCode());
        l.point().ifPresent(p -> info.put("loc", p.latitude() + "," + p.longitude()));
        putIfKnown(info, "org", l.asn() == null ? l.asOrganization() : "AS" + l.asn()
                + (l.asOrganization() == null ? "" : " " + l.asOrganization()));
        return info;
    }

    private static void putIfKnown(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
