/**
 * The browser UI's static files and where a server mounts them: the UI itself and the third-party ES modules
 * (Preact, htm, uPlot) taken from their Maven jars, each under a stable URL the page's import map names; and
 * {@link io.waddleperf.web.ConnectionGuard}, which both servers put in front of those pages and their APIs against
 * slow and greedy clients.
 */
package io.waddleperf.web;
