package io.waddleperf.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server serves for the browser UI: the UI's own folder at {@code /}, and each vendored library file at a
 * version-free URL under {@code /vendor/} that {@code index.html}'s import map names. The library jars keep their
 * files under versioned folders (and the mvnpm jars have no folder entries, so a folder cannot be mounted); listing
 * the few files the UI uses keeps the URLs stable when a version changes in the pom and serves nothing else.
 */
public final class WebAssets {

    /** Classpath folder of the UI (holds {@code index.html}). */
    public static final String UI_DIRECTORY = "/io/waddleperf/web/static";

    /** One library file: the URL it is served at, where it is on the classpath, and its media type. */
    public record VendorFile(String urlPath, String classpathResource, String contentType) {
    }

    private static final String JS = "text/javascript; charset=utf-8";
    private static final String CSS = "text/css; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    private static final List<VendorFile> VENDOR_FILES = load();

    /** The bare module names the libraries and the UIs import, and the URL each stands for (the import map). */
    private static final Map<String, String> IMPORTS = imports0();

    /** A static import or re-export of a bare name: {@code from"preact"}, {@code import 'preact'}. */
    private static final Pattern BARE_IMPORT = Pattern.compile("\\b(from|import)(\\s*)([\"'])([a-z][a-z/]*)\\3");

    private WebAssets() {
    }

    /** The library files the UI imports, with their licences. */
    public static List<VendorFile> vendorFiles() {
        return VENDOR_FILES;
    }

    private static List<VendorFile> load() {
        Properties versions = new Properties();
        try (InputStream in = WebAssets.class.getResourceAsStream("vendor.properties")) {
            if (in == null) {
                throw new IllegalStateException("vendor.properties missing from the waddleperf-web jar");
            }
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // webjars.org jars keep files under META-INF/resources/webjars/<name>/<version>; mvnpm jars under _static
        String preact = "/META-INF/resources/webjars/preact/" + version(versions, "preact");
        String htm = "/META-INF/resources/_static/htm/" + version(versions, "htm");
        String uplot = "/META-INF/resources/webjars/uplot/" + version(versions, "uplot");
        return List.of(
                new VendorFile("/vendor/preact/dist/preact.module.js", preact + "/dist/preact.module.js", JS),
                new VendorFile("/vendor/preact/hooks/dist/hooks.module.js", preact + "/hooks/dist/hooks.module.js", JS),
                new VendorFile("/vendor/preact/LICENSE", preact + "/LICENSE", TEXT),
                new VendorFile("/vendor/htm/dist/htm.module.js", htm + "/dist/htm.module.js", JS),
                new VendorFile("/vendor/htm/LICENSE", htm + "/LICENSE", TEXT),
                new VendorFile("/vendor/uplot/dist/uPlot.esm.js", uplot + "/dist/uPlot.esm.js", JS),
                new VendorFile("/vendor/uplot/dist/uPlot.min.css", uplot + "/dist/uPlot.min.css", CSS),
                new VendorFile("/vendor/uplot/LICENSE", uplot + "/LICENSE", TEXT));
    }

    /** Bare module name → URL, as {@code index.html}'s import map lists them. */
    public static Map<String, String> imports() {
        return IMPORTS;
    }

    private static Map<String, String> imports0() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("preact", "/vendor/preact/dist/preact.module.js");
        m.put("preact/hooks", "/vendor/preact/hooks/dist/hooks.module.js");
        m.put("htm", "/vendor/htm/dist/htm.module.js");
        m.put("uplot", "/vendor/uplot/dist/uPlot.esm.js");
        return Map.copyOf(m);
    }

    /**
     * A vendored file as a page without an import map can load it: in JavaScript modules every static import of a
     * bare name from {@link #imports()} is replaced by its URL. An import map is an inline script, which a
     * Content-Security-Policy of {@code script-src 'self'} forbids; resolving the names here keeps that policy
     * possible. A bare name that is not in the map fails loudly, since the browser could not load it either.
     */
    public static byte[] readResolved(VendorFile file) {
        byte[] bytes = read(file);
        if (!file.contentType().startsWith("text/javascript")) {
            return bytes;
        }
        return resolveImports(new String(bytes, StandardCharsets.UTF_8), file.urlPath()).getBytes(StandardCharsets.UTF_8);
    }

    static String resolveImports(String module, String where) {
        Matcher m = BARE_IMPORT.matcher(module);
        StringBuilder out = new StringBuilder(module.length() + 64);
        while (m.find()) {
            String url = IMPORTS.get(m.group(4));
            if (url == null) {
                throw new IllegalStateException(where + " imports '" + m.group(4) + "', which has no URL in WebAssets.imports()");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + m.group(3) + url + m.group(3)));
        }
        return m.appendTail(out).toString();
    }

    /** The bytes of a vendored file; fails loudly when a jar no longer has the file (a version changed its layout). */
    public static byte[] read(VendorFile file) {
        try (InputStream in = WebAssets.class.getResourceAsStream(file.classpathResource())) {
            if (in == null) {
                throw new IllegalStateException(file.classpathResource() + " is not on the classpath (for " + file.urlPath() + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String version(Properties versions, String name) {
        String v = versions.getProperty(name);
        if (v == null || v.isBlank() || v.contains("${")) {
            throw new IllegalStateException("vendor.properties has no version for " + name);
        }
        return v;
    }
}
