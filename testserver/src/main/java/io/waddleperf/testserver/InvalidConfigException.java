package io.waddleperf.testserver;

/** A test server setting that cannot work; names the offending key (snake_case, as in YAML) so the CLI can report it. */
public final class InvalidConfigException extends IllegalArgumentException {

    private final String key;

    public InvalidConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
