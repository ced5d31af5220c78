/** Test helpers shared by every module: real peers on loopback port 0, the result schema check, and (in {@code lab}) a network-namespace lab. */
package io.waddleperf.testkit;
