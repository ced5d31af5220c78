/**
 * Storage: the connection pool, versioned schema migrations and one repository per aggregate, on the embedded H2
 * database (MariaDB mode) or MariaDB / MariaDB Galera with the same SQL. No table locks, named locks or XA; every
 * table has a primary key; transactions stay small and are retried on deadlocks and certification failures.
 */
package io.waddleperf.manager.store;
