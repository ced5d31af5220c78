package io.waddleperf.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The UI's references resolve inside the jar: import map entries, stylesheets and relative module imports. */
class WebAssetsTest {

    private static final Pattern IMPORT_MAP_URL = Pattern.compile("\"(/vendor/[^\"]+)\"");
    private static final Pattern LINK_HREF = Pattern.compile("href=\"(/[^\"]+)\"");
    private static final Pattern RELATIVE_IMPORT = Pattern.compile("from '(\\.{1,2}/[^']+)'");

    private static String ui(String path) throws IOException {
        try (InputStream in = WebAssets.class.getResourceAsStream(WebAssets.UI_DIRECTORY + path)) {
            assertThat(in).as("UI file %s", path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void every_vendor_file_is_in_its_jar() {
        for (WebAssets.VendorFile f : WebAssets.vendorFiles()) {
            assertThat(WebAssets.read(f)).as(f.urlPath()).isNotEmpty();
        }
    }

    @Test
    void every_vendor_url_in_index_html_is_served() throws IOException {
        String index = ui("/index.html");
        Set<String> served = WebAssets.vendorFiles().stream().map(WebAssets.VendorFile::urlPath).collect(Collectors.toSet());
        List<String> referenced = new ArrayList<>();
        for (Matcher m = IMPORT_MAP_URL.matcher(index); m.find(); ) {
            referenced.add(m.group(1));
        }
        for (Matcher m = LINK_HREF.matcher(index); m.find(); ) {
            referenced.add(m.group(1));
        }
        assertThat(referenced).contains("/vendor/preact/dist/preact.module.js", "/vendor/htm/dist/htm.module.js",
                "/vendor/uplot/dist/uPlot.esm.js");
        for (String url : referenced) {
            if (url.startsWith("/vendor/")) {
                assertThat(served).as("served vendor URLs").contains(url);
            } else {
                ui(url);
            }
        }
    }

    @Test
    void every_relative_module_import_names_a_file_of_the_ui() throws IOException {
        List<String> pending = new ArrayList<>(List.of("/js/app.js"));
        List<String> seen = new ArrayList<>();
        while (!pending.isEmpty()) {
            String file = pending.removeFirst();
            if (seen.contains(file)) {
                continue;
            }
            seen.add(file);
            for (Matcher m = RELATIVE_IMPORT.matcher(ui(file)); m.find(); ) {
                pending.add(URI.create(file).resolve(m.group(1)).getPath());
            }
        }
        // every module is reached from app.js, so the walk covers the measurement engine and every view
        assertThat(seen).contains("/js/measure.js", "/js/stats.js", "/js/views/speed.js", "/js/views/apitests.js");
    }

    @Test
    void the_import_map_in_index_html_is_the_one_vendor_modules_are_resolved_with() throws IOException {
        String index = ui("/index.html");
        for (var e : WebAssets.imports().entrySet()) {
            assertThat(index).contains("\"" + e.getKey() + "\": \"" + e.getValue() + "\"");
        }
    }

    @Test
    void resolved_vendor_modules_import_no_bare_name() {
        Pattern bare = Pattern.compile("\\b(from|import)\\s*[\"']([a-z][a-z/]*)[\"']");
        for (WebAssets.VendorFile f : WebAssets.vendorFiles()) {
            String text = new String(WebAssets.readResolved(f), StandardCharsets.UTF_8);
            assertThat(bare.matcher(text).find()).as("bare import left in %s", f.urlPath()).isFalse();
        }
        String hooks = new String(WebAssets.readResolved(WebAssets.vendorFiles().stream()
                .filter(f -> f.urlPath().equals("/vendor/preact/hooks/dist/hooks.module.js")).findFirst().orElseThrow()),
                StandardCharsets.UTF_8);
        assertThat(hooks).contains("from\"/vendor/preact/dist/preact.module.js\"");
    }

    @Test
    void an_unknown_bare_import_fails_loudly() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WebAssets.resolveImports("import x from 'lodash';", "/x.js"))
                .hasMessageContaining("lodash");
        assertThat(WebAssets.resolveImports("import {h} from 'preact'; export * from \"htm\";", "/x.js"))
                .isEqualTo("import {h} from '/vendor/preact/dist/preact.module.js'; export * from \"/vendor/htm/dist/htm.module.js\";");
    }
}
