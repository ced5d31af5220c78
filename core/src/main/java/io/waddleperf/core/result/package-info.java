/** The one result object every probe produces (docs/RESULTS.md), its JSON mapping and its error vocabulary. */
package io.waddleperf.core.result;
