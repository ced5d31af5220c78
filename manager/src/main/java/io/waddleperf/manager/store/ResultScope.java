package io.waddleperf.manager.store;

import java.util.UUID;

/**
 * Which stored results a query may see: all of them (global roles), one OU's (OU roles) or one submitter's
 * ({@code user}). Every result query takes one, so no query is unscoped by accident.
 */
public sealed interface ResultScope {

    record All() implements ResultScope {
    }

    record Ou(UUID ouId) implements ResultScope {
    }

    record Submitter(UUID userId) implements ResultScope {
    }

    /** The SQL condition on table alias {@code r}, with its parameter {@code :scope} where it has one. */
    default String condition() {
        return switch (this) {
            case All a -> "1 = 1";
            case Ou o -> "r.ou_id = :scope";
            case Submitter s -> "r.submitted_by = :scope";
        };
    }

    /** The value of {@code :scope}, or null. */
    default UUID parameter() {
        return switch (this) {
            case All a -> null;
            case Ou o -> o.ouId();
            case Submitter s -> s.userId();
        };
    }
}
