package io.waddleperf.core.result;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One probe run's outcome, the object described in docs/RESULTS.md: the same in {@code --json}, the test API, the agent's
 * spool, every exporter and the manager's storage. Metric fields are null when the probe has no such
 * metric (and then absent from JSON); names carry their unit.
 */
@JsonDeserialize(builder = ProbeResult.Builder.class)
public record ProbeResult(
        UUID id,
        TestType testType,
        String protocolDetail,
        String target,
        String targetHost,
        String targetIp,
        Integer targetPort,
        Instant startedAt,
        Double durationMs,
        boolean success,
        String error,
        Integer tier,
        Device device,
        Source source,
        Double latencyMs,
        Double minLatencyMs,
        Double maxLatencyMs,
        Double p50LatencyMs,
        Double p95LatencyMs,
        Double p99LatencyMs,
        Double stddevLatencyMs,
        Double jitterMs,
        Double ipdvMs,
        Long packetsSent,
        Long packetsReceived,
        Double packetLossPercent,
        Long duplicatePackets,
        Long reorderedPackets,
        Double dnsMs,
        Double connectMs,
        Double tlsMs,
        Double requestMs,
        Double ttfbMs,
        Double transferMs,
        Double totalTimeMs,
        Integer statusCode,
        Double throughputMbps,
        Long sentBytes,
        Long receivedBytes,
        Long retransmits,
        Double downloadMbps,
        Double uploadMbps,
        Double rpm,
        Double loadedLatencyMs,
        Integer pathMtuBytes,
        Integer hopCount,
        List<Hop> hops,
        List<Interval> intervals,
        String tlsVersion,
        Integer certDaysLeft,
        String serverVersion,
        Map<String, Object> rawResults) {

    public ProbeResult {
        hops = hops == null ? null : List.copyOf(hops);
        intervals = intervals == null ? null : List.copyOf(intervals);
        rawResults = rawResults == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rawResults));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this result's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
            b.id = id;
            b.testType = testType;
            b.protocolDetail = protocolDetail;
            b.target = target;
            b.targetHost = targetHost;
            b.targetIp = targetIp;
            b.targetPort = targetPort;
            b.startedAt = startedAt;
            b.durationMs = durationMs;
            b.success = success;
            b.error = error;
            b.tier = tier;
            b.device = device;
            b.source = source;
            b.latencyMs = latencyMs;
            b.minLatencyMs = minLatencyMs;
            b.maxLatencyMs = maxLatencyMs;
            b.p50LatencyMs = p50LatencyMs;
            b.p95LatencyMs = p95LatencyMs;
            b.p99LatencyMs = p99LatencyMs;
            b.stddevLatencyMs = stddevLatencyMs;
            b.jitterMs = jitterMs;
            b.ipdvMs = ipdvMs;
            b.packetsSent = packetsSent;
            b.packetsReceived = packetsReceived;
            b.packetLossPercent = packetLossPercent;
            b.duplicatePackets = duplicatePackets;
            b.reorderedPackets = reorderedPackets;
            b.dnsMs = dnsMs;
            b.connectMs = connectMs;
            b.tlsMs = tlsMs;
            b.requestMs = requestMs;
            b.ttfbMs = ttfbMs;
            b.transferMs = transferMs;
            b.totalTimeMs = totalTimeMs;
            b.statusCode = statusCode;
            b.throughputMbps = throughputMbps;
            b.sentBytes = sentBytes;
            b.receivedBytes = receivedBytes;
            b.retransmits = retransmits;
            b.downloadMbps = downloadMbps;
            b.uploadMbps = uploadMbps;
            b.rpm = rpm;
            b.loadedLatencyMs = loadedLatencyMs;
            b.pathMtuBytes = pathMtuBytes;
            b.hopCount = hopCount;
            b.hops = hops;
            b.intervals = intervals;
            b.tlsVersion = tlsVersion;
            b.certDaysLeft = certDaysLeft;
            b.serverVersion = serverVersion;
            b.rawResults = rawResults;
        return b;
    }

    /** Mutable builder; probers fill it while measuring, the runner completes and seals it. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private UUID id;
        private TestType testType;
        private String protocolDetail;
        private String target;
        private String targetHost;
        private String targetIp;
        private Integer targetPort;
        private Instant startedAt;
        private Double durationMs;
        private boolean success;
        private String error;
        private Integer tier;
        private Device device;
        private Source source;
        private Double latencyMs;
        private Double minLatencyMs;
        private Double maxLatencyMs;
        private Double p50LatencyMs;
        private Double p95LatencyMs;
        private Double p99LatencyMs;
        private Double stddevLatencyMs;
        private Double jitterMs;
        private Double ipdvMs;
        private Long packetsSent;
        private Long packetsReceived;
        private Double packetLossPercent;
        private Long duplicatePackets;
        private Long reorderedPackets;
        private Double dnsMs;
        private Double connectMs;
        private Double tlsMs;
        private Double requestMs;
        private Double ttfbMs;
        private Double transferMs;
        private Double totalTimeMs;
        private Integer statusCode;
        private Double throughputMbps;
        private Long sentBytes;
        private Long receivedBytes;
        private Long retransmits;
        private Double downloadMbps;
        private Double uploadMbps;
        private Double rpm;
        private Double loadedLatencyMs;
        private Integer pathMtuBytes;
        private Integer hopCount;
        private List<Hop> hops;
        private List<Interval> intervals;
        private String tlsVersion;
        private Integer certDaysLeft;
        private String serverVersion;
        private Map<String, Object> rawResults;

        Builder() {
        }

        public Builder id(UUID id) {
            this.id = id;
            return this;
        }

        public Builder testType(TestType testType) {
            this.testType = testType;
            return this;
        }

        public Builder protocolDetail(String protocolDetail) {
            this.protocolDetail = protocolDetail;
            return this;
        }

        public Builder target(String target) {
            this.target = target;
            return this;
        }

        public Builder targetHost(String targetHost) {
            this.targetHost = targetHost;
            return this;
        }

        public Builder targetIp(String targetIp) {
            this.targetIp = targetIp;
            return this;
        }

        public Builder targetPort(Integer targetPort) {
            this.targetPort = targetPort;
            return this;
        }

        public Builder startedAt(Instant startedAt) {
            this.startedAt = startedAt;
            return this;
        }

        public Builder durationMs(Double durationMs) {
            this.durationMs = durationMs;
            return this;
        }

        public Builder success(boolean success) {
            this.success = success;
            return this;
        }

        public Builder error(String error) {
            this.error = error;
            return this;
        }

        public Builder tier(Integer tier) {
            this.tier = tier;
            return this;
        }

        public Builder device(Device device) {
            this.device = device;
            return this;
        }

        public Builder source(Source source) {
            this.source = source;
            return this;
        }

        public Builder latencyMs(Double latencyMs) {
            this.latencyMs = latencyMs;
            return this;
        }

        public Builder minLatencyMs(Double minLatencyMs) {
            this.minLatencyMs = minLatencyMs;
            return this;
        }

        public Builder maxLatencyMs(Double maxLatencyMs) {
            this.maxLatencyMs = maxLatencyMs;
            return this;
        }

        public Builder p50LatencyMs(Double p50LatencyMs) {
            this.p50LatencyMs = p50LatencyMs;
            return this;
        }

        public Builder p95LatencyMs(Double p95LatencyMs) {
            this.p95LatencyMs = p95LatencyMs;
            return this;
        }

        public Builder p99LatencyMs(Double p99LatencyMs) {
            this.p99LatencyMs = p99LatencyMs;
            return this;
        }

        public Builder stddevLatencyMs(Double stddevLatencyMs) {
            this.stddevLatencyMs = stddevLatencyMs;
            return this;
        }

        public Builder jitterMs(Double jitterMs) {
            this.jitterMs = jitterMs;
            return this;
        }

        public Builder ipdvMs(Double ipdvMs) {
            this.ipdvMs = ipdvMs;
            return this;
        }

        public Builder packetsSent(Long packetsSent) {
            this.packetsSent = packetsSent;
            return this;
        }

        public Builder packetsReceived(Long packetsReceived) {
            this.packetsReceived = packetsReceived;
            return this;
        }

        public Builder packetLossPercent(Double packetLossPercent) {
            this.packetLossPercent = packetLossPercent;
            return this;
        }

        public Builder duplicatePackets(Long duplicatePackets) {
            this.duplicatePackets = duplicatePackets;
            return this;
        }

        public Builder reorderedPackets(Long reorderedPackets) {
            this.reorderedPackets = reorderedPackets;
            return this;
        }

        public Builder dnsMs(Double dnsMs) {
            this.dnsMs = dnsMs;
            return this;
        }

        public Builder connectMs(Double connectMs) {
            this.connectMs = connectMs;
            return this;
        }

        public Builder tlsMs(Double tlsMs) {
            this.tlsMs = tlsMs;
            return this;
        }

        public Builder requestMs(Double requestMs) {
            this.requestMs = requestMs;
            return this;
        }

        public Builder ttfbMs(Double ttfbMs) {
            this.ttfbMs = ttfbMs;
            return this;
        }

        public Builder transferMs(Double transferMs) {
            this.transferMs = transferMs;
            return this;
        }

        public Builder totalTimeMs(Double totalTimeMs) {
            this.totalTimeMs = totalTimeMs;
            return this;
        }

        public Builder statusCode(Integer statusCode) {
            this.statusCode = statusCode;
            return this;
        }

        public Builder throughputMbps(Double throughputMbps) {
            this.throughputMbps = throughputMbps;
            return this;
        }

        public Builder sentBytes(Long sentBytes) {
            this.sentBytes = sentBytes;
            return this;
        }

        public Builder receivedBytes(Long receivedBytes) {
            this.receivedBytes = receivedBytes;
            return this;
        }

        public Builder retransmits(Long retransmits) {
            this.retransmits = retransmits;
            return this;
        }

        public Builder downloadMbps(Double downloadMbps) {
            this.downloadMbps = downloadMbps;
            return this;
        }

        public Builder uploadMbps(Double uploadMbps) {
            this.uploadMbps = uploadMbps;
            return this;
        }

        public Builder rpm(Double rpm) {
            this.rpm = rpm;
            return this;
        }

        public Builder loadedLatencyMs(Double loadedLatencyMs) {
            this.loadedLatencyMs = loadedLatencyMs;
            return this;
        }

        public Builder pathMtuBytes(Integer pathMtuBytes) {
            this.pathMtuBytes = pathMtuBytes;
            return this;
        }

        public Builder hopCount(Integer hopCount) {
            this.hopCount = hopCount;
            return this;
        }

        public Builder hops(List<Hop> hops) {
            this.hops = hops;
            return this;
        }

        public Builder intervals(List<Interval> intervals) {
            this.intervals = intervals;
            return this;
        }

        public Builder tlsVersion(String tlsVersion) {
            this.tlsVersion = tlsVersion;
            return this;
        }

        public Builder certDaysLeft(Integer certDaysLeft) {
            this.certDaysLeft = certDaysLeft;
            return this;
        }

        public Builder serverVersion(String serverVersion) {
            this.serverVersion = serverVersion;
            return this;
        }

        public Builder rawResults(Map<String, Object> rawResults) {
            this.rawResults = rawResults;
            return this;
        }

        /** Adds one entry to {@code raw_results}, keeping insertion order. */
        public Builder raw(String key, Object value) {
            if (rawResults == null) {
                rawResults = new LinkedHashMap<>();
            } else if (!(rawResults instanceof LinkedHashMap)) {
                rawResults = new LinkedHashMap<>(rawResults);
            }
            rawResults.put(key, value);
            return this;
        }

        public UUID id() {
            return id;
        }

        public TestType testType() {
            return testType;
        }

        public String target() {
            return target;
        }

        public String targetHost() {
            return targetHost;
        }

        public Integer targetPort() {
            return targetPort;
        }

        public Instant startedAt() {
            return startedAt;
        }

        public boolean success() {
            return success;
        }

        public String error() {
            return error;
        }

        public Long packetsSent() {
            return packetsSent;
        }

        public Long packetsReceived() {
            return packetsReceived;
        }

        public Map<String, Object> rawResults() {
            return rawResults;
        }

        public ProbeResult build() {
            return new ProbeResult(id, testType, protocolDetail, target, targetHost, targetIp, targetPort, startedAt, durationMs, success, error, tier, device, source, latencyMs, minLatencyMs, maxLatencyMs, p50LatencyMs, p95LatencyMs, p99LatencyMs, stddevLatencyMs, jitterMs, ipdvMs, packetsSent, packetsReceived, packetLossPercent, duplicatePackets, reorderedPackets, dnsMs, connectMs, tlsMs, requestMs, ttfbMs, transferMs, totalTimeMs, statusCode, throughputMbps, sentBytes, receivedBytes, retransmits, downloadMbps, uploadMbps, rpm, loadedLatencyMs, pathMtuBytes, hopCount, hops, intervals, tlsVersion, certDaysLeft, serverVersion, rawResults);
        }
    }
}
