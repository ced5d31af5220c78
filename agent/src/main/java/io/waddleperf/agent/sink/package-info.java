/** The destinations results are delivered to: the manager over HTTP and a rotated JSON-lines file. */
package io.waddleperf.agent.sink;
