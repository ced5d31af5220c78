package io.waddleperf.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.waddleperf.core.result.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3 description of the API. It is written by hand next to this class
 * ({@code openapi.json}: summaries, roles, bodies, answers) and completed at start from the routes actually registered:
 * a route the file lacks still appears, marked {@code x-undocumented}, so the served document never misses one.
 * {@code OpenApiIT} requires the file to describe every registered route and nothing else.
 */
public final class OpenApi {

    public static final String PATH = "/api/openapi.json";
    static final String RESOURCE = "openapi.json";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private final ObjectNode document;
    private volatile byte[] served;

    public OpenApi(String version) {
        this.document = load();
        ((ObjectNode) document.get("info")).put("version", version);
        this.served = bytes(document);
    }

    /** The hand-written description as shipped. */
    public static ObjectNode load() {
        try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI description " + RESOURCE + " is missing from the class path");
            }
            return (ObjectNode) Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the OpenAPI description " + RESOURCE + " is not valid JSON", e);
        }
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(PATH, ctx -> ctx.contentType("application/json").result(served));
    }

    /** Adds an undocumented operation for each of {@code routes} ({@code METHOD /path}) the description lacks. */
    public void complete(List<String> routes) {
        ObjectNode paths = (ObjectNode) document.get("paths");
        Set<String> have = operations(document);
        for (String route : routes) {
            if (have.contains(route)) {
                continue;
            }
            String[] mp = route.split(" ", 2);
            ObjectNode path = paths.has(mp[1]) ? (ObjectNode) paths.get(mp[1]) : paths.putObject(mp[1]);
            ObjectNode op = path.putObject(mp[0].toLowerCase(Locale.ROOT));
            op.put("summary", "(not described yet)");
            op.put("x-undocumented", true);
            op.putObject("responses").putObject("default").put("description", "see docs/MANAGER.md");
        }
        this.served = bytes(document);
    }

    private static byte[] bytes(JsonNode doc) {
        try {
            return Json.mapper().writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException("a JSON tree always serialises", e);
        }
    }

    /** Every operation of an OpenAPI document as {@code METHOD /path}, sorted. */
    public static Set<String> operations(JsonNode doc) {
        Set<String> out = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(m -> {
                if (METHODS.contains(m)) {
                    out.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        return out;
    }
}
