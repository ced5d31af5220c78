/**
 * IP address blocks and the client address of a request behind reverse proxies: {@link
 * io.waddleperf.core.address.Cidr} parses and matches blocks without DNS, {@link
 * io.waddleperf.core.address.ClientAddress} believes {@code X-Forwarded-For} only from configured proxies. Shared by
 * the test server and the manager.
 */
package io.waddleperf.core.address;
