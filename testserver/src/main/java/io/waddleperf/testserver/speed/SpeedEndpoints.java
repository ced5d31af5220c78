package io.waddleperf.testserver.speed;

import io.waddleperf.speed.SpeedStreams;
import io.waddleperf.speed.LibreSpeedApi;
import io.waddleperf.speed.SpeedConfig;
import io.javalin.config.RoutesConfig;
import io.waddleperf.core.address.ClientAddress;
import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.geo.GeoIp;
import io.waddleperf.geo.GeoPoint;
import io.waddleperf.testserver.ServerVersion;
import io.waddleperf.testserver.TestServerConfig;
import io.waddleperf.testserver.http.DirectRoutes;
import io.waddleperf.speed.StreamAdmission;
import java.io.IOException;
import java.util.List;

/**
 * Everything the speed test needs, built from one validated configuration: the stream limits, the stall guard,
 * GeoIP, the local result file and the three route groups (original, LibreSpeed, responsiveness). Closing it stops
 * the guard and closes the GeoIP files.
 */
public final class SpeedEndpoints implements AutoCloseable {

    private static final byte[] EMPTY = new byte[0];

    private final SpeedStreams streams;
    private final GeoIp geoIp;
    private final SpeedApi speedApi;
    private final LibreSpeedApi libreSpeedApi;
    private final ResponsivenessApi responsivenessApi;
    private final BrowserResultFile resultFile;

    private SpeedEndpoints(SpeedStreams streams, GeoIp geoIp, SpeedApi speedApi, LibreSpeedApi libreSpeedApi,
                           ResponsivenessApi responsivenessApi, BrowserResultFile resultFile) {
        this.streams = streams;
        this.geoIp = geoIp;
        this.speedApi = speedApi;
        this.libreSpeedApi = libreSpeedApi;
        this.responsivenessApi = responsivenessApi;
        this.resultFile = resultFile;
    }

    public static SpeedEndpoints start(TestServerConfig config) {
        return start(config, List.of());
    }

    /** The endpoints, with browser results also going to {@code moreSinks} (the manager) after the local file. */
    public static SpeedEndpoints start(TestServerConfig config, List<BrowserResultSink> moreSinks) {
        SpeedConfig speed = config.speed();
        GeoIp geoIp;
        try {
            geoIp = speed.geoipDatabases().isEmpty() ? GeoIp.none()
                    : GeoIp.open(speed.geoipDatabases(), speed.geoipCheckInterval());
        } catch (IOException e) {
            throw new ConfigException(List.of("speed.geoip_databases: " + e.getMessage()));
        }
        StreamAdmission admission = new StreamAdmission(speed.perClientStreams(), speed.globalStreams(),
                speed.perClientBytes(), speed.bytesWindow(), MonotonicClock.SYSTEM);
        SpeedStreams streams = new SpeedStreams(admission, speed, new ClientAddress(config.trustedProxies()));
        BrowserResultFile file = new BrowserResultFile(config.dataDir(), speed.resultsMaxBytes());
        GeoPoint here = speed.serverLatitude() == null ? null : new GeoPoint(speed.serverLatitude(), speed.serverLongitude());
        return new SpeedEndpoints(streams, geoIp,
                new SpeedApi(streams, admission, speed, ServerVersion.current(), sinks(file, moreSinks), file),
                new LibreSpeedApi(streams, geoIp, here), new ResponsivenessApi(streams), file);
    }

    private static List<BrowserResultSink> sinks(BrowserResultFile file, List<BrowserResultSink> more) {
        List<BrowserResultSink> all = new java.util.ArrayList<>();
        all.add(file);
        all.addAll(more);
        return List.copyOf(all);
    }

    public void addRoutes(RoutesConfig routes) {
        speedApi.addRoutes(routes);
        libreSpeedApi.addRoutes(routes);
        responsivenessApi.addRoutes(routes);
    }

    /**
     * The latency endpoints as Jetty answers them directly when they come without a body: LibreSpeed's ping
     * ({@code /empty} in its four spellings), {@code /speedtest/ping} and the responsiveness test's {@code /nq/small}.
     * Their Javalin routes stay for what comes with a body (an upload to {@code /empty}) or by another method.
     */
    public void addDirectRoutes(DirectRoutes direct) {
        for (String prefix : new String[] {"", "/backend"}) {
            for (String suffix : new String[] {"", ".php"}) {
                direct.get(prefix + "/empty" + suffix, "text/plain", SpeedStreams.COMMON_HEADERS, () -> EMPTY);
            }
        }
        direct.get("/speedtest/ping", "application/json", SpeedStreams.COMMON_HEADERS, SpeedApi::pingBody);
        direct.get(ResponsivenessApi.SMALL_PATH, "application/octet-stream", SpeedStreams.COMMON_HEADERS,
                () -> ResponsivenessApi.SMALL_BODY);
    }

    /** The local file browser results go to. */
    public BrowserResultFile resultFile() {
        return resultFile;
    }

    @Override
    public void close() throws IOException {
        streams.close();
        geoIp.close();
    }
}
