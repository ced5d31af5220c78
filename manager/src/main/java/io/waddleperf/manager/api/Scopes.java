package io.waddleperf.manager.api;

import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.ResultScope;

/** The result scope of a caller: everything for global roles, its OU for OU roles, its own results for {@code user}. */
final class Scopes {

    private Scopes() {
    }

    static ResultScope of(Principal p) {
        if (p.role().isGlobal()) {
            return new ResultScope.All();
        }
        if (p.role().needsOu()) {
            return new ResultScope.Ou(p.ouId());
        }
        return new ResultScope.Submitter(p.userId());
    }

    /** Whether the caller's scope includes this stored result. */
    static boolean includes(Principal p, ResultRepository.Stored r) {
        return switch (of(p)) {
            case ResultScope.All a -> true;
            case ResultScope.Ou o -> o.ouId().equals(r.ouId());
            case ResultScope.Submitter s -> s.userId().equals(r.submittedBy());
        };
    }
}
