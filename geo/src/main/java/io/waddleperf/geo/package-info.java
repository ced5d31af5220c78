/**
 * GeoIP lookups for client addresses: MaxMind GeoLite2/GeoIP2 City and ASN databases and DB-IP lite {@code .mmdb}
 * files, reloaded when the file changes, with private and loopback addresses labelled instead of looked up.
 */
package io.waddleperf.geo;
