/** A tiny authoritative DNS responder for one test zone, so DNS probes have a resolver on the test server itself. */
package io.waddleperf.testserver.dns;
