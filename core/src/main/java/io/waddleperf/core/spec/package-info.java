/** What is measured: one immutable spec record per probe type, and the parsing of target URIs into specs. */
package io.waddleperf.core.spec;
