package io.waddleperf.iperf3;

/**
 * A step-by-step way to derive {@link TestParameters} from another set (usually {@link TestParameters#tcpDefaults()}),
 * since the record has one component per iperf3 parameter key.
 */
public final class TestParametersBuilder {

    private Protocol protocol;
    private int omitSeconds;
    private int timeSeconds;
    private long numBytes;
    private long blockCount;
    private int parallel;
    private boolean reverse;
    private boolean bidirectional;
    private int windowBytes;
    private int lenBytes;
    private long bandwidthBitsPerSecond;
    private long fqRateBitsPerSecond;
    private int pacingTimerMicros;
    private int burst;
    private int mss;
    private boolean noDelay;
    private int tos;
    private int flowLabel;
    private String title;
    private String extraData;
    private String congestion;
    private boolean getServerOutput;
    private boolean udpCounters64bit;
    private boolean repeatingPayload;
    private boolean zeroCopy;
    private boolean dontFragment;
    private boolean skipRxCopy;
    private String clientVersion;
    private String authToken;

    TestParametersBuilder(TestParameters p) {
        this.protocol = p.protocol();
        this.omitSeconds = p.omitSeconds();
        this.timeSeconds = p.timeSeconds();
        this.numBytes = p.numBytes();
        this.blockCount = p.blockCount();
        this.parallel = p.parallel();
        this.reverse = p.reverse();
        this.bidirectional = p.bidirectional();
        this.windowBytes = p.windowBytes();
        this.lenBytes = p.lenBytes();
        this.bandwidthBitsPerSecond = p.bandwidthBitsPerSecond();
        this.fqRateBitsPerSecond = p.fqRateBitsPerSecond();
        this.pacingTimerMicros = p.pacingTimerMicros();
        this.burst = p.burst();
        this.mss = p.mss();
        this.noDelay = p.noDelay();
        this.tos = p.tos();
        this.flowLabel = p.flowLabel();
        this.title = p.title();
        this.extraData = p.extraData();
        this.congestion = p.congestion();
        this.getServerOutput = p.getServerOutput();
        this.udpCounters64bit = p.udpCounters64bit();
        this.repeatingPayload = p.repeatingPayload();
        this.zeroCopy = p.zeroCopy();
        this.dontFragment = p.dontFragment();
        this.skipRxCopy = p.skipRxCopy();
        this.clientVersion = p.clientVersion();
        this.authToken = p.authToken();
    }

    public TestParametersBuilder protocol(Protocol value) {
        this.protocol = value;
        return this;
    }

    public TestParametersBuilder omitSeconds(int value) {
        this.omitSeconds = value;
        return this;
    }

    public TestParametersBuilder timeSeconds(int value) {
        this.timeSeconds = value;
        return this;
    }

    public TestParametersBuilder numBytes(long value) {
        this.numBytes = value;
        return this;
    }

    public TestParametersBuilder blockCount(long value) {
        this.blockCount = value;
        return this;
    }

    public TestParametersBuilder parallel(int value) {
        this.parallel = value;
        return this;
    }

    public TestParametersBuilder reverse(boolean value) {
        this.reverse = value;
        return this;
    }

    public TestParametersBuilder bidirectional(boolean value) {
        this.bidirectional = value;
        return this;
    }

    public TestParametersBuilder windowBytes(int value) {
        this.windowBytes = value;
        return this;
    }

    public TestParametersBuilder lenBytes(int value) {
        this.lenBytes = value;
        return this;
    }

    public TestParametersBuilder bandwidthBitsPerSecond(long value) {
        this.bandwidthBitsPerSecond = value;
        return this;
    }

    public TestParametersBuilder fqRateBitsPerSecond(long value) {
        this.fqRateBitsPerSecond = value;
        return this;
    }

    public TestParametersBuilder pacingTimerMicros(int value) {
        this.pacingTimerMicros = value;
        return this;
    }

    public TestParametersBuilder burst(int value) {
        this.burst = value;
        return this;
    }

    public TestParametersBuilder mss(int value) {
        this.mss = value;
        return this;
    }

    public TestParametersBuilder noDelay(boolean value) {
        this.noDelay = value;
        return this;
    }

    public TestParametersBuilder tos(int value) {
        this.tos = value;
        return this;
    }

    public TestParametersBuilder flowLabel(int value) {
        this.flowLabel = value;
        return this;
    }

    public TestParametersBuilder title(String value) {
        this.title = value;
        return this;
    }

    public TestParametersBuilder extraData(String value) {
        this.extraData = value;
        return this;
    }

    public TestParametersBuilder congestion(String value) {
        this.congestion = value;
        return this;
    }

    public TestParametersBuilder getServerOutput(boolean value) {
        this.getServerOutput = value;
        return this;
    }

    public TestParametersBuilder udpCounters64bit(boolean value) {
        this.udpCounters64bit = value;
        return this;
    }

    public TestParametersBuilder repeatingPayload(boolean value) {
        this.repeatingPayload = value;
        return this;
    }

    public TestParametersBuilder zeroCopy(boolean value) {
        this.zeroCopy = value;
        return this;
    }

    public TestParametersBuilder dontFragment(boolean value) {
        this.dontFragment = value;
        return this;
    }

    public TestParametersBuilder skipRxCopy(boolean value) {
        this.skipRxCopy = value;
        return this;
    }

    public TestParametersBuilder clientVersion(String value) {
        this.clientVersion = value;
        return this;
    }

    public TestParametersBuilder authToken(String value) {
        this.authToken = value;
        return this;
    }

    public TestParameters build() {
        return new TestParameters(protocol, omitSeconds, timeSeconds, numBytes, blockCount, parallel, reverse,
                bidirectional, windowBytes, lenBytes, bandwidthBitsPerSecond, fqRateBitsPerSecond, pacingTimerMicros,
                burst, mss, noDelay, tos, flowLabel, title, extraData, congestion, getServerOutput, udpCounters64bit,
                repeatingPayload, zeroCopy, dontFragment, skipRxCopy, clientVersion, authToken);
    }
}
