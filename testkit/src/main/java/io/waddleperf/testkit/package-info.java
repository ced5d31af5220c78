/** Test helpers shared by every module: real peers on loopback port 0, certificates, and the result schema check. */
package io.waddleperf.testkit;
