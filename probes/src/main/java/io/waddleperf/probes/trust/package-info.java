/**
 * TLS client trust shared by every probe that speaks TLS ({@code http}, {@code tls}, {@code rpm}, {@code speedtest}):
 * one reading of {@code ca_file} and {@code verify}, one host name check, one naming of certificate failures.
 */
package io.waddleperf.probes.trust;
