package io.waddleperf.agent.status;

import com.sun.net.httpserver.Headers;
import io.waddleperf.web.WebAssets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The status page the status port serves at {@code /}: one HTML file, a script and a style sheet from this jar, and
 * Preact and htm from the web module's vendored jars at the same {@code /vendor/} URLs the test server's client uses
 * (no build step, no CDN: the browser resolves {@code preact} and {@code htm} through the page's import map). The
 * page reads the status port's own JSON endpoints. Everything is held in memory: a few tens of kilobytes.
 *
 * <p>The page is read-only, yet it shows text from elsewhere (probe errors, a manager's configuration names, reasons),
 * so it is sent with a content security policy that allows scripts from this origin and the one inline import map
 * (by its hash) only; Preact escapes every text it renders.
 */
final class StatusPage {

    /** Classpath folder of the page. */
    static final String DIRECTORY = "/io/waddleperf/agent/status/ui/";
    private static final Pattern IMPORT_MAP = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL);

    /** One file the page serves. */
    record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> assets;
    private final String policy;

    private StatusPage(Map<String, Asset> assets, String policy) {
        this.assets = assets;
        this.policy = policy;
    }

    static StatusPage load() {
        Map<String, Asset> m = new HashMap<>();
        byte[] index = read(DIRECTORY + "index.html");
        m.put("/", new Asset("text/html; charset=utf-8", index));
        m.put("/index.html", m.get("/"));
        m.put("/ui/status.js", new Asset("text/javascript; charset=utf-8", read(DIRECTORY + "status.js")));
        m.put("/ui/status.css", new Asset("text/css; charset=utf-8", read(DIRECTORY + "status.css")));
        for (WebAssets.VendorFile f : WebAssets.vendorFiles()) {
            if (f.urlPath().startsWith("/vendor/preact/") || f.urlPath().startsWith("/vendor/htm/")) {
                m.put(f.urlPath(), new Asset(f.contentType(), WebAssets.read(f)));
            }
        }
        Matcher importMap = IMPORT_MAP.matcher(new String(index, StandardCharsets.UTF_8));
        if (!importMap.find()) {
            throw new IllegalStateException(DIRECTORY + "index.html has no import map");
        }
        String policy = "default-src 'none'; script-src 'self' 'sha256-" + sha256(importMap.group(1))
                + "'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                + "frame-ancestors 'none'";
        return new StatusPage(Map.copyOf(m), policy);
    }

    /** The file at {@code path}, or null. */
    Asset find(String path) {
        return assets.get(path);
    }

    void headers(Headers h) {
        h.set("Content-Security-Policy", policy);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
    }

    private static byte[] read(String resource) {
        try (InputStream in = StatusPage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the agent's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
