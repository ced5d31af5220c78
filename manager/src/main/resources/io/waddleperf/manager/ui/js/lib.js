// The browser libraries, by the URLs the manager serves them at. The page has no import map (an inline script,
// which the Content-Security-Policy forbids), so the UI imports them from here instead of by bare name.
import { h } from '/vendor/preact/dist/preact.module.js';
import htm from '/vendor/htm/dist/htm.module.js';

export { h, render, Fragment } from '/vendor/preact/dist/preact.module.js';
export { useState, useEffect, useRef, useMemo, useCallback } from '/vendor/preact/hooks/dist/hooks.module.js';
export { default as uPlot } from '/vendor/uplot/dist/uPlot.esm.js';

// htm builds Preact elements; every interpolated value becomes text or an attribute, never markup
export const html = htm.bind(h);
