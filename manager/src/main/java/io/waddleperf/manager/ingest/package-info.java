/** Result ingestion: schema validation with errors naming the field, then idempotent storage acknowledged after commit. */
package io.waddleperf.manager.ingest;
