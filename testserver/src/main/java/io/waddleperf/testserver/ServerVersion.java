package io.waddleperf.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The running version: the jar manifest's {@code Implementation-Version} when packaged, else the build's
 * filtered {@code version.properties}, else {@code dev} (classes run from an IDE without a build).
 */
public final class ServerVersion {

    static final String RESOURCE = "version.properties";
    private static final String VERSION = find();

    private ServerVersion() {
    }

    public static String current() {
        return VERSION;
    }

    private static String find() {
        String fromManifest = ServerVersion.class.getPackage().getImplementationVersion();
        if (fromManifest != null && !fromManifest.isBlank()) {
            return fromManifest;
        }
        try (InputStream in = ServerVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").strip();
            return v.isEmpty() || v.startsWith("${") ? "dev" : v; // unfiltered resource: not built by Maven
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
