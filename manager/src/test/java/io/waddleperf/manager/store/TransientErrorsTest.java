package io.waddleperf.manager.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

class TransientErrorsTest {

    @Test
    void deadlocks_lock_waits_certification_failures_and_serialization_failures_are_retried() {
        assertThat(TransientErrors.isTransient(new RuntimeException(new SQLException("Deadlock found", "40001", 1213)))).isTrue();
        assertThat(TransientErrors.isTransient(new SQLException("Lock wait timeout", "HY000", 1205))).isTrue();
        assertThat(TransientErrors.isTransient(new SQLException("WSREP has not yet prepared node", "08S01", 1047))).isTrue();
        assertThat(TransientErrors.isTransient(new SQLException("Timeout trying to lock table", "HYT00", 50200))).isTrue();
        assertThat(TransientErrors.isTransient(new SQLException("Duplicate entry", "23000", 1062))).isFalse();
        assertThat(TransientErrors.isTransient(new IllegalStateException("no SQL"))).isFalse();
    }

    @Test
    void lost_or_unobtainable_connections_become_store_exceptions() {
        RuntimeException timeout = new RuntimeException(new SQLTransientConnectionException("Connection is not available"));
        assertThat(Database.unavailableOr(timeout)).isInstanceOf(StoreException.class)
                .hasMessageContaining("Connection is not available");
        assertThat(Database.unavailableOr(new RuntimeException(new SQLNonTransientConnectionException("socket closed"))))
                .isInstanceOf(StoreException.class);
        assertThat(Database.unavailableOr(new RuntimeException(new SQLException("Communications link failure", "08S01"))))
                .isInstanceOf(StoreException.class);
        RuntimeException other = new RuntimeException(new SQLException("syntax", "42000", 1064));
        assertThat(Database.unavailableOr(other)).isSameAs(other);
    }
}
