/**
 * The browser UI's static files and where a server mounts them: the UI itself and the third-party ES modules
 * (Preact, htm, uPlot) taken from their Maven jars, each under a stable URL the page's import map names.
 */
package io.waddleperf.web;
