package io.waddleperf.manager.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.manager.store.TestDatabases.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules a MariaDB Galera cluster imposes, checked on the real schema and on every source file of the project:
 * every table has a primary key and is InnoDB (Galera replicates InnoDB rows by key only), and nothing takes table
 * locks, named locks or XA transactions (none of which Galera replicates) or relies on auto-increment keys.
 */
class GaleraRulesIT {

    @Test
    void every_table_of_the_migrated_schema_is_innodb_with_a_primary_key() {
        try (TestDatabases.Opened t = TestDatabases.open(Kind.MARIADB)) {
            String schema = t.fresh().name();
            List<String[]> tables = t.db().read(h -> h.createQuery("SELECT t.table_name, t.engine, "
                            + "(SELECT COUNT(*) FROM information_schema.table_constraints c WHERE c.table_schema = t.table_schema "
                            + "AND c.table_name = t.table_name AND c.constraint_type = 'PRIMARY KEY') AS pks "
                            + "FROM information_schema.tables t WHERE t.table_schema = :schema AND t.table_type = 'BASE TABLE'")
                    .bind("schema", schema)
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).list());
            assertThat(tables).extracting(r -> r[0]).contains("users", "organizations", "results", "sessions",
                    "api_keys", "flyway_schema_history");
            for (String[] table : tables) {
                assertThat(table[1]).as("engine of %s", table[0]).isEqualTo("InnoDB");
                assertThat(table[2]).as("primary keys of %s", table[0]).isEqualTo("1");
            }
        }
    }

    @Test
    void no_source_file_uses_table_locks_named_locks_xa_or_auto_increment() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Pattern forbidden = Pattern.compile("(?i)\\bLOCK\\s+TABLES?\\b|\\bGET_LOCK\\b|\\bRELEASE_LOCK\\b|\\bXA\\s+(START|BEGIN|END|PREPARE|COMMIT|ROLLBACK|RECOVER)\\b|\\bAUTO_INCREMENT\\b|\\bENGINE\\s*=\\s*(?!InnoDB\\b)\\w+");
        List<String> found = new ArrayList<>();
        List<Path> scanned = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().contains("/src/main/"))
                    .filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".sql"))
                    .forEach(p -> {
                        scanned.add(p);
                        try {
                            List<String> lines = Files.readAllLines(p);
                            for (int i = 0; i < lines.size(); i++) {
                                if (forbidden.matcher(lines.get(i)).find()) {
                                    found.add(root.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
                                }
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
        assertThat(scanned).as("source files scanned").anyMatch(p -> p.toString().endsWith(".sql"))
                .anyMatch(p -> p.endsWith(Path.of("manager/store/ResultRepository.java")));
        assertThat(found).isEmpty();
    }
}
