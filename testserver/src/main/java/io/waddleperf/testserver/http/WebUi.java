package io.waddleperf.testserver.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import io.waddleperf.web.WebAssets;
import java.util.Map;

/**
 * Serves the browser client (docs/ARCHITECTURE.md, "Browser client") at {@code /}: the UI folder from the waddleperf-web jar as
 * static files, and each vendored library file at its {@code /vendor/} URL, read once at start. Javalin matches
 * routes before static files, so no API path can be shadowed by a file.
 */
final class WebUi {

    /** The UI is small and changes with the server version: revalidate rather than run stale modules. */
    private static final String CACHE_CONTROL = "no-cache";

    private WebUi() {
    }

    static void configure(JavalinConfig config) {
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory = WebAssets.UI_DIRECTORY;
            files.location = Location.CLASSPATH;
            files.headers = Map.of("Cache-Control", CACHE_CONTROL);
        });
        for (WebAssets.VendorFile file : WebAssets.vendorFiles()) {
            byte[] bytes = WebAssets.read(file);
            config.routes.get(file.urlPath(), ctx -> ctx.header("Cache-Control", CACHE_CONTROL)
                    .contentType(file.contentType()).result(bytes));
        }
    }
}
