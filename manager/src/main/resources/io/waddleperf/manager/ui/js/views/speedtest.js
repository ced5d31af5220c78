// Speed test: the browser measures ping, jitter, download and upload against a test server and the result is stored
// under the logged-in user. The measurement engine is the test server's browser client's own (measure.js from the
// waddleperf-web jar, served by the manager under /vendor/waddleperf-web/), imported by path: the page has no
// import map, which the Content-Security-Policy would block as an inline script.

import { html, useRef, useState } from '../lib.js';
import { csrfToken, get, post } from '../api.js';
import { ErrorBox, Loading, useLoad } from '../components.js';
import * as fmt from '../format.js';
import { submitsResults } from '../session.js';
import { measureDownload, measureLatency, measureUpload } from '/vendor/waddleperf-web/js/measure.js';

/**
 * A server of GET /api/v1/speedtest/servers as the page uses it. The manager serves LibreSpeed's endpoints itself
 * (the test server's code), so its entry measures the path to the manager users already reach; a configured test
 * server is called directly at its own origin (its CORS headers allow it, the page's CSP names it). Only the
 * manager's own upload carries the CSRF token: it must never go to another origin.
 */
function usable(s) {
  const base = s.url.replace(/\/+$/, '');
  return {
    ...s,
    label: s.manager ? `This manager (${location.host})` : s.name,
    target: s.manager ? `${location.origin}${base}` : base,
    endpoints: { ping: `${base}/empty`, upload: `${base}/empty`, download: (mib) => `${base}/garbage?ckSize=${mib}` },
  };
}

/** How long and how heavy: the quick run asks for small bodies (and suits slow links), the standard one LibreSpeed's. */
const PROFILES = {
  standard: { label: 'Standard (10 s each way)', phaseMs: 10000, downloadStreams: 6, uploadStreams: 3,
    downloadChunkMiB: 25, uploadChunkMiB: 8, pingCount: 10 },
  quick: { label: 'Quick (3 s each way, small requests)', phaseMs: 3000, downloadStreams: 2, uploadStreams: 2,
    downloadChunkMiB: 4, uploadChunkMiB: 1, pingCount: 5 },
};

/** The warm-up left out of the figure: LibreSpeed's 1.5 s (download) and 3 s (upload), at most 30 % of a phase. */
const grace = (phaseMs, ms) => Math.min(ms, Math.round(phaseMs * 0.3));

export function SpeedTest({ user }) {
  const list = useLoad(() => get('/api/v1/speedtest/servers'), []);
  const [serverId, setServerId] = useState('manager');
  const [profileId, setProfileId] = useState('standard');
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState(null); // {phase, fraction, mbps}
  const [figures, setFigures] = useState({});
  const [stored, setStored] = useState(null);
  const [error, setError] = useState(null);
  const abort = useRef(null);
  const mayStore = submitsResults(user);

  const run = async () => {
    const server = usable(list.data.servers.find((s) => s.id === serverId));
    const profile = PROFILES[profileId];
    const controller = new AbortController();
    abort.current = controller;
    const signal = controller.signal;
    setRunning(true); setError(null); setStored(null); setFigures({});
    const startedAt = new Date();
    const t0 = performance.now();
    try {
      setProgress({ phase: 'Ping', fraction: 0, mbps: null });
      const latency = await measureLatency({ count: profile.pingCount, signal, endpoints: server.endpoints,
        onSample: (ms, i) => setProgress({ phase: 'Ping', fraction: i / profile.pingCount, mbps: null, ms }) });
      setFigures((f) => ({ ...f, latency }));
      const phase = (name) => (t) => setProgress({ phase: name, fraction: Math.min(1, t.elapsedMs / profile.phaseMs),
        mbps: t.averageMbps ?? t.instantMbps, warmingUp: t.warmingUp });
      const download = await measureDownload({ streams: profile.downloadStreams, phaseMs: profile.phaseMs,
        graceMs: grace(profile.phaseMs, 1500), signal, onTick: phase('Download'), endpoints: server.endpoints,
        chunkMiB: profile.downloadChunkMiB });
      setFigures((f) => ({ ...f, download }));
      const token = csrfToken();
      const upload = await measureUpload({ streams: profile.uploadStreams, phaseMs: profile.phaseMs,
        graceMs: grace(profile.phaseMs, 3000), signal, onTick: phase('Upload'), endpoints: server.endpoints,
        chunkMiB: profile.uploadChunkMiB, headers: server.manager && token ? { 'X-CSRF-Token': token } : {} });
      setFigures((f) => ({ ...f, upload }));
      if (mayStore) {
        setProgress({ phase: 'Saving', fraction: 1, mbps: null });
        const answer = await post('/api/v1/speedtest/results', {
          test_type: 'speedtest',
          target: server.target,
          target_host: new URL(server.target).hostname,
          protocol_detail: latency.protocol || null,
          started_at: startedAt.toISOString(),
          duration_ms: Math.round((performance.now() - t0) * 1000) / 1000,
          success: true,
          download_mbps: download.mbps,
          upload_mbps: upload.mbps,
          received_bytes: download.totalBytes,
          sent_bytes: upload.totalBytes,
          // the manager computes the latency set and jitter from these
          raw_results: {
            latency_samples_ms: latency.samples_ms,
            download_streams: profile.downloadStreams,
            upload_streams: profile.uploadStreams,
            phase_ms: profile.phaseMs,
            download_peak_mbps: download.peakMbps,
            upload_peak_mbps: upload.peakMbps,
          },
        });
        setStored(answer);
      }
      setProgress(null);
    } catch (e) {
      setProgress(null);
      if (e.name !== 'AbortError') setError(e);
    } finally {
      setRunning(false);
      abort.current = null;
    }
  };

  const { latency, download, upload } = figures;
  if (list.loading || list.error) {
    return html`<section><h1 tabindex="-1">Speed test</h1>${list.error ? html`<${ErrorBox} error=${list.error} />`
      : html`<${Loading} what="test servers" />`}</section>`;
  }
  const servers = list.data.servers.map(usable);
  return html`<section data-testid="speedtest">
    <h1 tabindex="-1">Speed test</h1>
    <p class="muted">${'Measures ping, jitter, download and upload between this browser and the chosen test server. '
      + (mayStore ? 'The result is stored under your name and listed with the other results.'
        : 'Your role reads results but does not store them: the figures are shown here only.')}</p>
    <form class="filters" onSubmit=${(e) => { e.preventDefault(); if (!running) run(); }}>
      <div><label for="speed-server">Test server</label>
        <select id="speed-server" value=${serverId} disabled=${running} onChange=${(e) => setServerId(e.target.value)}>
          ${servers.map((s) => html`<option value=${s.id}>${s.label}</option>`)}
        </select></div>
      <div><label for="speed-profile">Length</label>
        <select id="speed-profile" value=${profileId} disabled=${running} onChange=${(e) => setProfileId(e.target.value)}>
          ${Object.entries(PROFILES).map(([id, p]) => html`<option value=${id}>${p.label}</option>`)}
        </select></div>
      <div class="filter-actions">
        ${running
          ? html`<button type="button" class="secondary" onClick=${() => abort.current?.abort()}>Stop</button>`
          : html`<button type="submit">Start</button>`}
      </div>
    </form>
    ${progress && html`<div class="speed-progress" data-testid="speed-progress" aria-live="polite">
      <p><strong data-testid="speed-phase">${progress.phase}</strong>
        ${progress.mbps != null ? html` <span data-testid="speed-live">${fmt.mbps(progress.mbps)}</span>` : ''}
        ${progress.warmingUp ? html` <span class="muted">(warming up)</span>` : ''}</p>
      <progress max="1" value=${progress.fraction} aria-label=${progress.phase + ' progress'}></progress>
    </div>`}
    <${ErrorBox} error=${error} />
    <div class="table-wrap"><table class="fields" data-testid="speed-figures">
      <tbody>
        <tr><th scope="row">Ping</th><td data-testid="speed-ping">${fmt.ms(latency?.latency_ms ?? null)}</td></tr>
        <tr><th scope="row">Jitter</th><td data-testid="speed-jitter">${fmt.ms(latency?.jitter_ms ?? null)}</td></tr>
        <tr><th scope="row">Download</th><td data-testid="speed-download">${fmt.mbps(download?.mbps ?? null)}</td></tr>
        <tr><th scope="row">Upload</th><td data-testid="speed-upload">${fmt.mbps(upload?.mbps ?? null)}</td></tr>
      </tbody>
    </table></div>
    ${stored && html`<p role="status" data-testid="speed-stored">Stored as${' '}<a href=${'#/result/' + stored.id} data-result-id=${stored.id}>result ${stored.id}</a>.</p>`}
  </section>`;
}
