/**
 * Which targets the test API may probe: address classification (loopback, private, link-local and the other
 * special-purpose ranges of the IANA registries) and the policy that keeps the server from becoming a proxy
 * into its own network (docs/TEST-API.md).
 */
package io.waddleperf.testserver.policy;
