/** The {@code waddleperf} command line: one picocli class per subcommand, exit codes, and human output. */
package io.waddleperf.app;
