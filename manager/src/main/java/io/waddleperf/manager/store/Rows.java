package io.waddleperf.manager.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Column readers shared by the repositories' row mappers (the storage types described in {@link Database}). */
final class Rows {

    private Rows() {
    }

    static UUID uuid(ResultSet rs, String column) throws SQLException {
        return Uuids.fromBytes(rs.getBytes(column));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    /** True when {@code e} (or a cause) is a unique or primary key violation (SQLSTATE 23000 on MariaDB, 23505 on H2). */
    static boolean isDuplicateKey(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().equals("23505") || (s.getSQLState().equals("23000") && s.getErrorCode() == 1062))) {
                return true;
            }
        }
        return false;
    }
}
