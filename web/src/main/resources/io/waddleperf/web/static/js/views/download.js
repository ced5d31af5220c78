// The Download Test tab: one file of a chosen size, with the live rate over the last second, its peak, and the
// average over the whole transfer.

import { useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { downloadSized } from '../measure.js';
import { fmtBytes, fmtMbps, fmtMs, fmtSeconds } from '../format.js';

// MiB; the largest is the LibreSpeed garbage endpoint's limit (ckSize ≤ 1024, docs/PROTOCOL-http-speedtest.md)
const SIZES_MIB = [10, 25, 50, 100, 250, 500, 1024];

export function DownloadTest() {
  const [mib, setMib] = useState(100);
  const [progress, setProgress] = useState(null);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const running = useRef(null);

  async function start() {
    const controller = new AbortController();
    running.current = controller;
    setResult(null);
    setError(null);
    setProgress({ bytes: 0, totalBytes: mib * 1048576, elapsedMs: 0, liveMbps: null, peakMbps: 0 });
    try {
      setResult(await downloadSized({ mib, signal: controller.signal, onTick: setProgress }));
    } catch (e) {
      setError(controller.signal.aborted ? 'Cancelled.' : e.message);
    } finally {
      running.current = null;
      setProgress(null);
    }
  }

  const busy = progress !== null;
  return html`
    <section class="panel">
      <h2>Download test</h2>
      <div class="row">
        <label for="size">File size</label>
        <select id="size" value=${mib} disabled=${busy} onChange=${(e) => setMib(Number(e.target.value))}>
          ${SIZES_MIB.map((s) => html`<option value=${s}>${s >= 1024 ? `${s / 1024} GiB` : `${s} MiB`}</option>`)}
        </select>
        ${busy
          ? html`<button class="secondary" onClick=${() => running.current?.abort()}>Cancel</button>`
          : html`<button class="primary" data-testid="download-start" onClick=${start}>Download</button>`}
      </div>
      ${error && html`<p class="error">${error}</p>`}
      ${progress && html`
        <p><progress max=${progress.totalBytes} value=${progress.bytes}></progress></p>
        <div class="cards">
          <div class="card"><div class="k">Live (last second)</div>
            <div class="v">${fmtMbps(progress.liveMbps)} <small>Mbit/s</small></div></div>
          <div class="card"><div class="k">Peak</div>
            <div class="v">${fmtMbps(progress.peakMbps || null)} <small>Mbit/s</small></div></div>
          <div class="card"><div class="k">Received</div>
            <div class="v">${fmtBytes(progress.bytes)} <small>of ${fmtBytes(progress.totalBytes)}</small></div></div>
          <div class="card"><div class="k">Elapsed</div><div class="v">${fmtSeconds(progress.elapsedMs)}</div></div>
        </div>`}
      ${result && html`
        <div class="cards" data-testid="download-result">
          <div class="card"><div class="k">Average</div>
            <div class="v" data-testid="download-average" data-value=${result.averageMbps}>
              ${fmtMbps(result.averageMbps)} <small>Mbit/s</small></div></div>
          <div class="card"><div class="k">Peak (1 s window)</div>
            <div class="v">${result.peakMbps > 0 ? fmtMbps(result.peakMbps) : '—'} <small>Mbit/s</small></div></div>
          <div class="card"><div class="k">Time to first byte</div>
            <div class="v">${fmtMs(result.ttfbMs)} <small>ms</small></div></div>
          <div class="card"><div class="k">Total</div>
            <div class="v">${fmtSeconds(result.elapsedMs)} <small>${fmtBytes(result.bytes)}</small></div></div>
        </div>
        ${result.peakMbps === 0 && html`<p class="phase">The transfer took under a second, too short for a
          one-second peak; choose a larger file.</p>`}`}
    </section>`;
}
