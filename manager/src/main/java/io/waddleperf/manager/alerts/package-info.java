/** Alerts: rules evaluated on ingestion, their firing/resolved state and history, and the notifications they send. */
package io.waddleperf.manager.alerts;
