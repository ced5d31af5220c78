/** The one result object every probe produces (SPEC §2), its JSON mapping and its error vocabulary. */
package io.waddleperf.core.result;
