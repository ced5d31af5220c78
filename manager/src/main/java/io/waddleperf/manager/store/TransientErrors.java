package io.waddleperf.manager.store;

import java.sql.SQLException;

/**
 * Which database errors are worth retrying the whole transaction for: another transaction won a lock or a Galera
 * certification (MariaDB reports a certification failure as deadlock 1213), or a node is not ready yet.
 */
final class TransientErrors {

    /** MariaDB ER_LOCK_DEADLOCK: deadlock, and Galera's certification failure of a conflicting write set. */
    static final int MARIADB_DEADLOCK = 1213;
    /** MariaDB ER_LOCK_WAIT_TIMEOUT. */
    static final int MARIADB_LOCK_WAIT_TIMEOUT = 1205;
    /** MariaDB ER_UNKNOWN_COM_ERROR, which a Galera node answers while it is not synced ("WSREP has not yet prepared node"). */
    static final int MARIADB_WSREP_NOT_READY = 1047;
    /** H2 LOCK_TIMEOUT_1: a row lock was not granted in time. */
    static final int H2_LOCK_TIMEOUT = 50200;
    /** SQLSTATE class 40: transaction rollback (40001 serialization failure is both databases' deadlock state). */
    private static final String ROLLBACK_CLASS = "40";

    private TransientErrors() {
    }

    /** True when {@code failure} or one of its causes is a transient database error. */
    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                for (SQLException s = sql; s != null; s = s.getNextException()) {
                    if (isTransient(s)) {
                        return true;
                    }
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * True when {@code failure} or a cause says the database cannot be reached: no connection from the pool in
     * time, or a connection lost (SQLSTATE class 08, the JDBC connection-exception classes).
     */
    static boolean isConnectionFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
                    || (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static boolean isTransient(SQLException e) {
        int code = e.getErrorCode();
        String state = e.getSQLState();
        return code == MARIADB_DEADLOCK || code == MARIADB_LOCK_WAIT_TIMEOUT || code == MARIADB_WSREP_NOT_READY
                || code == H2_LOCK_TIMEOUT || (state != null && state.startsWith(ROLLBACK_CLASS));
    }
}
