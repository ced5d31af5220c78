package io.waddleperf.manager.ui;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import io.waddleperf.web.WebAssets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Serves the manager's web UI (docs/MANAGER.md, "Web UI") at {@code /}: its own static files from this jar, and the
 * browser libraries (Preact, htm, uPlot) from the waddleperf-web jar at the {@code /vendor/} URLs the test server's
 * browser client uses too, with their bare imports resolved to those URLs so that no import map (an inline script)
 * is needed. Every answer, API or file, carries a strict Content-Security-Policy: scripts, styles, connections only
 * from this origin, images also as {@code data:} (the MFA QR code), no frames, no plugins. Javalin matches routes
 * before static files, so no API path can be shadowed by a file.
 */
public final class WebUi {

    /** Classpath folder of the UI (holds {@code index.html}). */
    public static final String UI_DIRECTORY = "/io/waddleperf/manager/ui";

    /** URL prefix of the library files. */
    public static final String VENDOR_PREFIX = "/vendor/";

    /**
     * The speed test's measurement engine, shared with the test server's browser client: the waddleperf-web jar's
     * {@code js/measure.js} and the {@code js/stats.js} it imports by relative path, served here side by side (the
     * manager's own {@code /js/} has files of the same names).
     */
    public static final String SPEED_CLIENT_PREFIX = VENDOR_PREFIX + "waddleperf-web/js/";
    private static final List<String> SPEED_CLIENT_FILES = List.of("measure.js", "stats.js");

    /**
     * The policy: nothing inline, nothing from elsewhere; the page may not be framed (clickjacking). This is it
     * without configured speed test servers; with them, {@link #contentSecurityPolicy} adds their origins to
     * connect-src (the speed test's requests, nothing else).
     */
    public static final String CONTENT_SECURITY_POLICY = contentSecurityPolicy(List.of());

    /** The UI changes with the manager's version: revalidate rather than run stale modules. */
    private static final String CACHE_CONTROL = "no-cache";

    private WebUi() {
    }

    /** The policy with {@code connectOrigins} ({@code scheme://host[:port]}) also allowed in connect-src. */
    public static String contentSecurityPolicy(List<String> connectOrigins) {
        String connect = connectOrigins.isEmpty() ? "'self'" : "'self' " + String.join(" ", connectOrigins);
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src " + connect
                + "; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    /** Headers on every answer. */
    public static Map<String, String> securityHeaders(List<String> connectOrigins) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", contentSecurityPolicy(connectOrigins));
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        return Map.copyOf(h);
    }

    /** @param connectOrigins the speed test servers' origins the page may connect to */
    public static void configure(JavalinConfig config, List<String> connectOrigins) {
        Map<String, String> securityHeaders = securityHeaders(connectOrigins);
        config.routes.before(ctx -> securityHeaders.forEach(ctx::header));
        Map<String, String> fileHeaders = new LinkedHashMap<>(securityHeaders);
        fileHeaders.put("Cache-Control", CACHE_CONTROL);
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = UI_DIRECTORY;
            files.location = Location.CLASSPATH;
            files.headers = Map.copyOf(fileHeaders);
        });
        List<WebAssets.VendorFile> files = new ArrayList<>(WebAssets.vendorFiles());
        for (String name : SPEED_CLIENT_FILES) {
            files.add(new WebAssets.VendorFile(SPEED_CLIENT_PREFIX + name, WebAssets.UI_DIRECTORY + "/js/" + name,
                    "text/javascript; charset=utf-8"));
        }
        for (WebAssets.VendorFile file : files) {
            if (!file.urlPath().startsWith(VENDOR_PREFIX)) {
                throw new IllegalStateException(file.urlPath() + " is outside " + VENDOR_PREFIX);
            }
            byte[] bytes = WebAssets.readResolved(file);
            config.routes.get(file.urlPath(), ctx -> ctx.header("Cache-Control", CACHE_CONTROL)
                    .contentType(file.contentType()).result(bytes));
        }
    }
}
