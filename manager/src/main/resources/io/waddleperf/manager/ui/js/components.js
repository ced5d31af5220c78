// Small building blocks shared by the screens.

import { html, useEffect, useRef, useState, uPlot } from './lib.js';

/**
 * Loads with `load()` whenever `deps` change; {data, error, loading, reload}. Data loaded for other deps is never
 * returned (a screen must not draw one filter's figures under another's); a reload keeps showing the data it replaces.
 */
export function useLoad(load, deps) {
  const key = JSON.stringify(deps);
  const [state, setState] = useState({ key: null, data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    Promise.resolve().then(load).then(
      (data) => live && setState({ key, data, error: null, loading: false }),
      (error) => live && setState({ key, data: null, error, loading: false }));
    return () => { live = false; };
  }, [key, tick]);
  const current = state.key === key;
  return {
    data: current ? state.data : null, error: current ? state.error : null, loading: !current || state.loading,
    reload: () => setTick((t) => t + 1),
  };
}

/** An API error as the page shows it: the message and, when the API named one, the field. */
export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">
    ${error.status ? html`<strong>${error.status === 403 ? 'Not allowed' : 'Error'}:</strong> ` : ''}${error.message}
    ${error.field ? html` <span class="field-name">(field <code>${error.field}</code>)</span>` : ''}
  </p>`;
}

export function Loading({ what }) {
  return html`<p class="muted" aria-live="polite">Loading ${what || ''}…</p>`;
}

/** A device status as the API gives it. */
export function StatusBadge({ status }) {
  return html`<span class=${'badge status-' + status}>${status}</span>`;
}

export function OkBadge({ ok }) {
  return html`<span class=${'badge ' + (ok ? 'ok' : 'fail')}>${ok ? 'success' : 'failed'}</span>`;
}

/** A link that downloads text made in the page (raw JSON, CSV). */
export function DownloadLink({ text, type, filename, label, testid }) {
  const [href, setHref] = useState(null);
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([text], { type }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [text, type]);
  return html`<a class="button secondary" href=${href || '#'} download=${filename} data-testid=${testid}>${label}</a>`;
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

const PALETTE = ['--c1', '--c2', '--c3', '--c4', '--c5', '--c6'];

/**
 * A line chart. `x` are unix seconds (or plain numbers with `xTime` false); `series` are {label, values, dash?}
 * with null where there is no value. Colours come from the theme and follow theme changes.
 */
export function LineChart({ title, x, series, unit, xTime = true, zero = true, testid }) {
  const box = useRef(null);
  const plot = useRef(null);
  const latest = useRef(null);
  latest.current = { x, series, unit, xTime, zero };

  useEffect(() => {
    const build = () => {
      const l = latest.current;
      const opts = {
        width: box.current.clientWidth || 600,
        height: 240,
        scales: {
          x: { time: l.xTime },
          y: l.zero ? { range: (u, min, max) => [0, max > 0 ? uPlot.rangeNum(0, max, 0.1, true)[1] : 1] } : {},
        },
        axes: [
          { stroke: cssVar('--muted'), grid: { stroke: cssVar('--border') }, ticks: { stroke: cssVar('--border') } },
          { label: l.unit, stroke: cssVar('--muted'), grid: { stroke: cssVar('--border') }, size: 60 },
        ],
        series: [{ label: l.xTime ? 'time' : 's' }, ...l.series.map((s, i) => ({
          label: s.label, stroke: cssVar(PALETTE[(s.color ?? i) % PALETTE.length]), width: 2, dash: s.dash,
          spanGaps: false, points: { show: l.x.length < 60 },
          value: (u, v) => (v === null || v === undefined ? '—' : `${v.toFixed(2)} ${l.unit}`),
        }))],
      };
      return new uPlot(opts, [l.x, ...l.series.map((s) => s.values)], box.current);
    };
    plot.current = build();
    box.current.dataset.drawn = String(performance.now());
    const rebuild = () => { plot.current.destroy(); plot.current = build(); };
    const themeAttr = new MutationObserver(rebuild);
    themeAttr.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', rebuild);
    const resize = new ResizeObserver(() => plot.current.setSize({ width: box.current.clientWidth || 600, height: 240 }));
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      themeAttr.disconnect();
      scheme.removeEventListener('change', rebuild);
      plot.current.destroy();
    };
  }, [series.length, series.map((s) => s.label).join('|')]);

  useEffect(() => {
    plot.current?.setData([x, ...series.map((s) => s.values)]);
    box.current.dataset.drawn = String(performance.now());
  }, [x, series]);

  return html`<figure class="chart-figure">
    <figcaption>${title}</figcaption>
    <div class="chart" ref=${box} role="img" aria-label=${title} data-testid=${testid}></div>
  </figure>`;
}
