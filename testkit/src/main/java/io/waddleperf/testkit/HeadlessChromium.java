package io.waddleperf.testkit;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import io.waddleperf.testkit.Requirements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Debian's Chromium, headless, driven by Playwright for Java with Playwright's own browser download disabled
 * (Debian's {@code chromium} package is used), for the browser tests of the test server, the manager and the agent. Skips the calling test with a printed reason when Chromium is not installed, unless
 * {@code CI=true}, where a missing browser must fail the build instead.
 */
public final class HeadlessChromium implements AutoCloseable {

    static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
    /** Chromium flags for a root, GPU-less, offline machine: no sandbox (root), no background calls home. */
    static final List<String> ARGS = List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run");

    private final Playwright playwright;
    private final Browser browser;

    private HeadlessChromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    public static HeadlessChromium launch() {
        Requirements.require(Files.isExecutable(EXECUTABLE), EXECUTABLE + " is missing (apt-get install -y chromium)");
        Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(EXECUTABLE).setHeadless(true).setArgs(ARGS));
            return new HeadlessChromium(playwright, browser);
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    public Browser browser() {
        return browser;
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
