package io.waddleperf.manager.ui;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.util.List;

/**
 * A page of the browser tests that records what must not happen: requests leaving the manager (aborted and kept in
 * {@code foreignRequests}), and script errors, failed page loads and console errors (kept in {@code consoleErrors}).
 * Chromium logs every 4xx answer to a fetch as a console error; the screens handle those (the 401 before login, a 403,
 * a 404 of an unset configuration), so only non-API failures count, found by their URL.
 */
final class GuardedPages {

    private GuardedPages() {
    }

    static Page open(BrowserContext context, int port, List<String> foreignRequests, List<String> consoleErrors) {
        String origin = "http://127.0.0.1:" + port + "/";
        context.route("**/*", route -> {
            String url = route.request().url();
            if (url.startsWith(origin) || url.startsWith("blob:") || url.startsWith("data:")) {
                route.resume();
            } else {
                foreignRequests.add(url);
                route.abort();
            }
        });
        Page page = context.newPage();
        page.onConsoleMessage(m -> {
            if (m.type().equals("error") && !m.text().startsWith("Failed to load resource")) {
                consoleErrors.add(m.text());
            }
        });
        page.onResponse(r -> {
            if (r.status() >= 400 && !r.url().contains("/api/")) {
                consoleErrors.add(r.status() + " " + r.url());
            }
        });
        page.onPageError(consoleErrors::add);
        return page;
    }
}
