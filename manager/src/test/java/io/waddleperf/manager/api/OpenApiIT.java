package io.waddleperf.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/openapi.json} describes exactly the routes the manager registers, each with a summary, its roles, its
 * security and its answers, and every reference in it resolves.
 */
class OpenApiIT {

    @Test
    void the_description_lists_every_registered_route_and_nothing_else() {
        try (Harness m = Harness.start(Kind.H2)) {
            Set<String> registered = new TreeSet<>(m.server().routes());
            assertThat(registered).contains("GET /api/v1/audit", "POST /api/v1/auth/mfa/setup", "GET /api/openapi.json");
            Set<String> documented = OpenApi.operations(OpenApi.load());
            List<String> missing = registered.stream().filter(r -> !documented.contains(r)).toList();
            List<String> stale = documented.stream().filter(r -> !registered.contains(r)).toList();
            assertThat(missing).as("registered routes the hand-written openapi.json does not describe").isEmpty();
            assertThat(stale).as("described routes that are not registered").isEmpty();

            Answer served = m.call("GET", "/api/openapi.json", null, null);
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            JsonNode doc = served.json();
            assertThat(doc.get("openapi").asText()).startsWith("3.");
            assertThat(doc.get("info").get("version").asText()).isNotBlank();
            assertThat(OpenApi.operations(doc)).isEqualTo(registered);
            assertThat(served.body()).doesNotContain("x-undocumented");
        }
    }

    @Test
    void every_operation_has_summary_roles_security_and_answers_and_every_reference_resolves() {
        JsonNode doc = OpenApi.load();
        List<String> problems = new ArrayList<>();
        doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            String where = op.getKey().toUpperCase() + " " + path.getKey();
            JsonNode o = op.getValue();
            for (String field : List.of("summary", "x-roles", "security", "responses", "tags")) {
                if (!o.has(field)) {
                    problems.add(where + ": no " + field);
                }
            }
            if (o.has("responses") && !o.get("responses").fieldNames().hasNext()) {
                problems.add(where + ": no answers");
            }
            if (path.getKey().contains("{id}") && (!o.has("parameters") || o.get("parameters").findValues("name").stream()
                    .noneMatch(n -> n.asText().equals("id")))) {
                problems.add(where + ": path parameter id not declared");
            }
        }));
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            if (doc.at(ref.substring(1)).isMissingNode()) {
                problems.add("unresolved " + ref);
            }
        }
        assertThat(problems).isEmpty();
        assertThat(doc.get("components").get("securitySchemes").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("bearer", "apiKey", "xApiKey", "cookie", "device");
        // the public routes say so; everything else needs credentials (which routes take a device's: AccessControlIT)
        Map<String, Boolean> open = Map.of("POST /api/v1/auth/login", true, "GET /health", true, "GET /api/v1/users", false,
                "POST /api/v1/enrollment/enroll", true, "POST /api/v1/enrollment/devices/{id}/heartbeat", false);
        open.forEach((route, isOpen) -> {
            String[] mp = route.split(" ");
            JsonNode security = doc.get("paths").get(mp[1]).get(mp[0].toLowerCase()).get("security");
            assertThat(security.isEmpty()).as(route).isEqualTo(isOpen);
        });
    }

    private static void collectRefs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("$ref")) {
                    out.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), out);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, out));
        }
    }
}
