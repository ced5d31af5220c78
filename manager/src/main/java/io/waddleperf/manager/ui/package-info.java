/** The manager's web UI: static ES modules served at {@code /} with the shared browser libraries. */
package io.waddleperf.manager.ui;
