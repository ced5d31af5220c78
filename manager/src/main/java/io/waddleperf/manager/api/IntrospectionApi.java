package io.waddleperf.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.manager.auth.AuthService;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.store.EnrolledDevice;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /api/v1/auth/introspect}: whether a user's API key or session token is valid (after RFC 7662, token
 * introspection, with a JSON body). This is how a test server accepts the same keys as the manager: it asks here and
 * caches the answer briefly. Callers: an enrolled device of client type {@code testserver} with its credential, or a
 * {@code global_admin}. The answer for a valid credential is {@code {active: true, user_id, username, role, ou_id}},
 * for anything else {@code {active: false}} — never which part was wrong.
 */
public final class IntrospectionApi {

    static final String PATH = "/api/v1/auth/introspect";
    private static final Set<String> FIELDS = Set.of("token");

    private final AuthService auth;
    private final Requests requests;
    private final DeviceRequests deviceRequests;

    public IntrospectionApi(AuthService auth, Requests requests, DeviceRequests deviceRequests) {
        this.auth = auth;
        this.requests = requests;
        this.deviceRequests = deviceRequests;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.post(PATH, this::introspect);
    }

    private void introspect(Context ctx) {
        if (deviceRequests.carriesDeviceCredential(ctx)) {
            EnrolledDevice d = deviceRequests.device(ctx);
            if (!d.isTestServer()) {
                throw ApiException.forbidden(null, "only test servers (client_type " + EnrolledDevice.TESTSERVER
                        + ") may check credentials; device '" + d.serial() + "' is a " + d.clientType());
            }
        } else {
            Principal p = requests.caller(ctx);
            if (p.role() != Role.GLOBAL_ADMIN) {
                throw ApiException.forbidden(null, "checking credentials needs global_admin or a test server's device "
                        + "credential, not " + p.role());
            }
        }
        JsonNode body = requests.json(ctx);
        UsersApi.onlyFields(body, FIELDS);
        String token = Requests.text(body, "token", 1024);
        Optional<Principal> who = token.length() > 256 || token.chars().anyMatch(Character::isWhitespace)
                ? Optional.empty() : auth.authenticate("Bearer " + token);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("active", who.isPresent());
        who.ifPresent(p -> {
            answer.put("user_id", p.userId());
            answer.put("username", p.username());
            answer.put("role", p.role().externalName());
            answer.put("ou_id", p.ouId());
        });
        ctx.json(answer);
    }
}
