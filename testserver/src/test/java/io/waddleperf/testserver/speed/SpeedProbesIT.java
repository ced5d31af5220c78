package io.waddleperf.testserver.speed;

import io.waddleperf.speed.SpeedConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.probes.Progress;
import io.waddleperf.testkit.ResultSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The speedtest and rpm probes against this test server on loopback, with durations cut short. */
class SpeedProbesIT {

    @TempDir
    Path dataDir;

    private SpeedServer s;

    @BeforeEach
    void start() throws Exception {
        s = new SpeedServer(dataDir, SpeedConfig.defaults());
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private ProbeResult run(String target) {
        ProbeResult r = ProbeRunner.run(TargetParser.parse(target, ProbeOptions.DEFAULTS), ProbeContext.of(Source.CLI));
        ResultSchema.assertValid(r);
        System.out.println(target + " -> " + r);
        return r;
    }

    @Test
    void speedtest_measures_download_upload_and_idle_latency() {
        ProbeResult r = run("speedtest://127.0.0.1:" + s.server.httpPort()
                + "?duration_ms=1500&download_grace_ms=300&upload_grace_ms=300&stream_delay_ms=50");
        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.downloadMbps()).isGreaterThan(10);
        assertThat(r.uploadMbps()).isGreaterThan(10);
        assertThat(r.latencyMs()).isPositive();
        assertThat(r.jitterMs()).isNotNull();
        assertThat(r.receivedBytes()).isPositive();
    }

    @Test
    void speedtest_and_rpm_tell_a_progress_listener_every_second_or_interval() {
        List<Progress> seen = new CopyOnWriteArrayList<>();
        ProbeContext watched = ProbeContext.of(Source.CLI).withProgress(seen::add);
        ProbeResult speed = ProbeRunner.run(TargetParser.parse("speedtest://127.0.0.1:" + s.server.httpPort()
                + "?duration_ms=2500&download_grace_ms=300&upload_grace_ms=300&stream_delay_ms=50", ProbeOptions.DEFAULTS), watched);
        assertThat(speed.success()).as(speed.error()).isTrue();
        // about one step per second of each direction, the first in the (uncounted) grace period named as such
        assertThat(seen).extracting(Progress::phase).contains("download", "upload").containsOnly("download", "upload");
        assertThat(seen).filteredOn(p -> p.phase().equals("download")).hasSizeBetween(2, 3)
                .allSatisfy(p -> assertThat(p.endSeconds() - p.startSeconds()).isBetween(0.8, 2.0))
                .allSatisfy(p -> assertThat(p.mbps()).isPositive());
        assertThat(seen.getFirst().note()).isNull(); // the first second ends after the 300 ms grace
        seen.clear();

        ProbeResult rpm = ProbeRunner.run(TargetParser.parse("rpm://127.0.0.1:" + s.server.httpPort()
                + "?interval_ms=300&max_duration_ms=2000&probe_interval_ms=50&max_connections=4", ProbeOptions.DEFAULTS), watched);
        assertThat(rpm.success()).as(rpm.error()).isTrue();
        assertThat(seen).isNotEmpty().extracting(Progress::phase).containsOnly("download");
        assertThat(seen).allSatisfy(p -> assertThat(p.note()).contains("connections"));
        assertThat(seen.getLast().note()).containsPattern("\\d+ RPM");
    }

    @Test
    void speedtest_speaks_the_librespeed_layout() {
        ProbeResult r = run("speedtest://127.0.0.1:" + s.server.httpPort()
                + "?librespeed=true&path=/backend&duration_ms=1000&download_grace_ms=200&upload_grace_ms=200"
                + "&stream_delay_ms=20&download_streams=2&upload_streams=2");
        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.protocolDetail()).isEqualTo("librespeed");
        assertThat(r.downloadMbps()).isPositive();
        assertThat(r.uploadMbps()).isPositive();
    }

    @Test
    void speedtest_reports_a_missing_endpoint_as_an_http_error() {
        ProbeResult r = run("speedtest://127.0.0.1:" + s.server.httpPort() + "?path=/nowhere&duration_ms=500");
        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("http_error").contains("404");
    }

    @Test
    void rpm_measures_responsiveness_under_download_load() {
        ProbeResult r = run("rpm://127.0.0.1:" + s.server.httpPort()
                + "?interval_ms=300&max_duration_ms=3000&probe_interval_ms=50&max_connections=4");
        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.rpm()).isPositive();
        assertThat(r.latencyMs()).isPositive();
        assertThat(r.loadedLatencyMs()).isPositive();
        assertThat(r.throughputMbps()).isGreaterThan(10);
    }

    @Test
    void rpm_measures_under_upload_load() {
        ProbeResult r = run("rpm://127.0.0.1:" + s.server.httpPort()
                + "?direction=upload&interval_ms=300&max_duration_ms=2500&probe_interval_ms=50&max_connections=3");
        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.rpm()).isPositive();
        assertThat(r.sentBytes()).isPositive();
    }

    @Test
    void refused_connection_is_a_failed_result() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThat(run("rpm://127.0.0.1:" + port).error()).isEqualTo("connection_refused");
        assertThat(run("speedtest://127.0.0.1:" + port).error()).isEqualTo("connection_refused");
    }
}
