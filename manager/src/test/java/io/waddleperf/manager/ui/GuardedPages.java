package io.waddleperf.manager.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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

    /**
     * A fresh browser context (1280×900) with one guarded page, for one test; closing it fails the test on anything
     * the page recorded, then closes the context.
     */
    static final class Session implements AutoCloseable {

        private final BrowserContext context;
        private final Page page;
        private final List<String> consoleErrors = new CopyOnWriteArrayList<>();
        private final List<String> foreignRequests = new CopyOnWriteArrayList<>();

        Session(Browser browser, int port, boolean acceptDownloads) {
            Browser.NewContextOptions options = new Browser.NewContextOptions().setViewportSize(1280, 900);
            if (acceptDownloads) {
                options.setAcceptDownloads(true);
            }
            context = browser.newContext(options);
            page = open(context, port, foreignRequests, consoleErrors);
        }

        BrowserContext context() {
            return context;
        }

        Page page() {
            return page;
        }

        @Override
        public void close() {
            try {
                assertThat(consoleErrors).as("console errors").isEmpty();
                assertThat(foreignRequests).as("requests off the manager").isEmpty();
            } finally {
                context.close();
            }
        }
    }
}
