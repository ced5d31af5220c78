/** GeoIP enrichment of results on ingest: where the submitting client and the target are. */
package io.waddleperf.manager.geo;
