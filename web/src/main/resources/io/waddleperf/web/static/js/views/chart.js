// Live throughput chart (uPlot). The data arrays are owned by the caller and grow as samples are measured; this
// component only redraws them.

import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from '../html.js';

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** `data` is [seconds[], downloadMbps[], uploadMbps[]] with null where a series has no sample. */
export function ThroughputChart({ data, version }) {
  const box = useRef(null);
  const plot = useRef(null);
  const dataRef = useRef(data);

  useEffect(() => {
    // uPlot draws on a canvas with colours fixed at creation, so a theme change rebuilds it with the new ones
    const build = () => new uPlot(options(box.current.clientWidth || 600), dataRef.current, box.current);
    plot.current = build();
    const rebuild = () => { plot.current.destroy(); plot.current = build(); };
    const themeAttr = new MutationObserver(rebuild);
    themeAttr.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', rebuild);
    const resize = new ResizeObserver(() => plot.current.setSize({ width: box.current.clientWidth, height: 220 }));
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      themeAttr.disconnect();
      scheme.removeEventListener('change', rebuild);
      plot.current.destroy();
    };
  }, []);

  dataRef.current = data;
  useEffect(() => { plot.current?.setData(data); }, [data, version]);

  return html`<div class="chart" ref=${box}></div>`;
}

function options(width) {
  return {
    width,
    height: 220,
    // rates start at zero: an axis from the lowest sample up makes a 5 % wobble look like a collapse
    scales: {
      x: { time: false },
      y: { range: (u, dataMin, dataMax) => [0, dataMax > 0 ? uPlot.rangeNum(0, dataMax, 0.1, true)[1] : 1] },
    },
    // the y range drawn, on the chart's element: what the page shows, for anyone (a test) reading the page
    hooks: {
      setScale: [(u, key) => {
        if (key === 'y') {
          u.root.dataset.yMin = String(u.scales.y.min);
          u.root.dataset.yMax = String(u.scales.y.max);
        }
      }],
    },
    axes: [
      { label: 's', stroke: cssVar('--muted'), grid: { stroke: cssVar('--border') } },
      { label: 'Mbit/s', stroke: cssVar('--muted'), grid: { stroke: cssVar('--border') }, size: 60 },
    ],
    series: [
      { label: 'time', value: (u, v) => (v === null ? '—' : `${v.toFixed(1)} s`) },
      { label: 'download', stroke: cssVar('--down'), width: 2, spanGaps: false,
        value: (u, v) => (v === null ? '—' : `${v.toFixed(1)} Mbit/s`) },
      { label: 'upload', stroke: cssVar('--up'), width: 2, spanGaps: false,
        value: (u, v) => (v === null ? '—' : `${v.toFixed(1)} Mbit/s`) },
    ],
  };
}
