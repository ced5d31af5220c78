package io.waddleperf.testserver.speed;

import io.javalin.config.RoutesConfig;
import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.geo.GeoIp;
import io.waddleperf.geo.GeoPoint;
import io.waddleperf.testserver.ServerVersion;
import io.waddleperf.testserver.TestServerConfig;
import io.waddleperf.testserver.api.ClientAddress;
import io.waddleperf.testserver.limits.StreamAdmission;
import java.io.IOException;
import java.util.List;

/**
 * Everything the speed test needs, built from one validated configuration: the stream limits, the stall guard,
 * GeoIP, the local result file and the three route groups (original, LibreSpeed, responsiveness). Closing it stops
 * the guard and closes the GeoIP files.
 */
public final class SpeedEndpoints implements AutoCloseable {

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
                new SpeedApi(streams, admission, speed, ServerVersion.current(), List.of(file)),
                new LibreSpeedApi(streams, geoIp, here), new ResponsivenessApi(streams), file);
    }

    public void addRoutes(RoutesConfig routes) {
        speedApi.addRoutes(routes);
        libreSpeedApi.addRoutes(routes);
        responsivenessApi.addRoutes(routes);
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
