// The Speed Test tab: latency, then download, then upload, with a live gauge and chart, a results card, and the
// result posted to the server (/speedtest/result, docs/TEST-API.md) as a result object (docs/RESULTS.md).

import { useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { measureDownload, measureLatency, measureUpload, SPEED_DEFAULTS } from '../measure.js';
import { postSpeedResult } from '../api.js';
import { fmtBytes, fmtMbps, fmtMs } from '../format.js';
import { Gauge } from './gauge.js';
import { ThroughputChart } from './chart.js';

// Browsers open at most 6 HTTP/1.1 connections per host, so more streams would only queue behind each other.
const STREAM_CHOICES = ['auto', '1', '2', '3', '4', '6'];

const PHASE_TEXT = {
  idle: 'Ready.',
  latency: 'Measuring idle latency…',
  download: 'Measuring download…',
  upload: 'Measuring upload…',
  posting: 'Saving the result…',
  done: 'Done.',
  cancelled: 'Cancelled.',
  error: 'Failed.',
};

function streamCounts(choice) {
  return choice === 'auto'
    ? { down: SPEED_DEFAULTS.downloadStreams, up: SPEED_DEFAULTS.uploadStreams }
    : { down: Number(choice), up: Number(choice) };
}

// one line of text: htm drops the whitespace around line breaks inside a template, so the separators are built here
function transferText(phase, streams) {
  return `${fmtMbps(phase.mbps)} Mbit/s (peak over ${SPEED_DEFAULTS.tickMs} ms: ${fmtMbps(phase.peakMbps)}) · `
    + `${fmtBytes(phase.measuredBytes)} in ${(phase.measuredMs / 1000).toFixed(1)} s after warm-up · ${streams} streams`;
}

function Metric({ id, label, value, unit, text }) {
  return html`<div class="card">
    <div class="k">${label}</div>
    <div class="v" data-testid=${id} data-value=${value ?? ''}>${text} <small>${unit}</small></div>
  </div>`;
}

/** Where the posted result is kept and how to fetch it again (one text: htm drops whitespace around line breaks). */
function Saved({ posted }) {
  const file = posted.storedIn ? `, in ${posted.storedIn} in its data folder` : '';
  return html`<span>${`On this server (${location.host}) as ${posted.id}${file}. Find it again at `}</span>
    <a href=${posted.url} data-testid="result-url">${posted.url}</a>
    <span>${' or with '}</span><code data-testid="result-command">${`curl ${posted.url}`}</code>`;
}

export function SpeedTest({ settings }) {
  const [choice, setChoice] = useState(settings.streams);
  const [phase, setPhase] = useState('idle');
  const [error, setError] = useState(null);
  const [live, setLive] = useState({ mbps: null, label: 'Download', direction: 'down' });
  const [res, setRes] = useState({});
  const [posted, setPosted] = useState(null);
  const series = useRef([[], [], []]);
  const [chartVersion, setChartVersion] = useState(0);
  const running = useRef(null);

  const busy = ['latency', 'download', 'upload', 'posting'].includes(phase);

  async function start() {
    const controller = new AbortController();
    running.current = controller;
    const signal = controller.signal;
    const streams = streamCounts(choice);
    const testStart = performance.now();
    const startedAt = new Date();
    series.current = [[], [], []];
    setChartVersion((v) => v + 1);
    setRes({});
    setPosted(null);
    setError(null);
    // one chart point per tick: the rate over that tick, in the series of the running direction
    const plot = (direction) => (tick) => {
      const [x, down, up] = series.current;
      x.push((performance.now() - testStart) / 1000);
      down.push(direction === 'down' ? tick.instantMbps : null);
      up.push(direction === 'up' ? tick.instantMbps : null);
      setChartVersion((v) => v + 1);
      // the gauge shows the running average once warm-up is over, the instantaneous rate before
      setLive({
        mbps: tick.averageMbps ?? tick.instantMbps,
        label: `${direction === 'down' ? 'Download' : 'Upload'}${tick.warmingUp ? ' (warm-up)' : ''}`,
        direction,
      });
    };
    try {
      setPhase('latency');
      const latency = await measureLatency({ count: settings.pingCount, signal });
      setRes((r) => ({ ...r, latency }));

      setPhase('download');
      const download = await measureDownload({ streams: streams.down, phaseMs: settings.phaseMs,
        graceMs: settings.downloadGraceMs, signal, onTick: plot('down') });
      setRes((r) => ({ ...r, download }));

      setPhase('upload');
      const upload = await measureUpload({ streams: streams.up, phaseMs: settings.phaseMs,
        graceMs: settings.uploadGraceMs, signal, onTick: plot('up') });
      setRes((r) => ({ ...r, upload }));
      setLive({ mbps: download.mbps, label: 'Download', direction: 'down' });

      setPhase('posting');
      const result = speedResult({ startedAt, durationMs: performance.now() - testStart, latency, download,
        upload, streams, settings });
      setPosted(await postSpeedResult(result));
      setPhase('done');
    } catch (e) {
      if (signal.aborted) {
        setPhase('cancelled');
      } else {
        setError(e.message);
        setPhase('error');
      }
    } finally {
      running.current = null;
    }
  }

  const { latency, download, upload } = res;
  const chartData = [...series.current];
  return html`
    <section class="panel">
      <h2>Speed test</h2>
      <div class="row">
        <label for="streams">Parallel streams</label>
        <select id="streams" value=${choice} disabled=${busy} onChange=${(e) => setChoice(e.target.value)}>
          ${STREAM_CHOICES.map((c) => html`<option value=${c}>${c === 'auto'
            ? `auto (${SPEED_DEFAULTS.downloadStreams} down, ${SPEED_DEFAULTS.uploadStreams} up)` : c}</option>`)}
        </select>
        <span class="phase">${settings.phaseMs / 1000} s per direction</span>
        ${busy
          ? html`<button class="secondary" onClick=${() => running.current?.abort()}>Cancel</button>`
          : html`<button class="primary" data-testid="speed-start" onClick=${start}>Start</button>`}
      </div>
      ${settings.problems.map((p) => html`<p class="error">${p}</p>`)}
      <p class="phase" data-testid="speed-phase" data-phase=${phase}>${PHASE_TEXT[phase]}
        ${error && html` <span class="error" data-testid="speed-error">${error}</span>`}</p>
      <div class="gauge-wrap">
        <${Gauge} mbps=${live.mbps} label=${live.label} direction=${live.direction} />
        <div class="cards" style="flex:1">
          <${Metric} id="result-latency" label="Latency (idle, min)" unit="ms" value=${latency?.min_latency_ms}
            text=${fmtMs(latency?.min_latency_ms)} />
          <${Metric} id="result-jitter" label="Jitter (RFC 3550)" unit="ms" value=${latency?.jitter_ms}
            text=${fmtMs(latency?.jitter_ms)} />
          <${Metric} id="result-download" label="Download" unit="Mbit/s" value=${download?.mbps}
            text=${fmtMbps(download?.mbps)} />
          <${Metric} id="result-upload" label="Upload" unit="Mbit/s" value=${upload?.mbps}
            text=${fmtMbps(upload?.mbps)} />
        </div>
      </div>
      <${ThroughputChart} data=${chartData} version=${chartVersion} />
    </section>
    ${(latency || download) && html`
    <section class="panel" data-testid="speed-results">
      <h2>Results</h2>
      <table>
        <tbody>
          ${latency && html`
          <tr><th>Latency</th><td>min ${fmtMs(latency.min_latency_ms)} ms · mean ${fmtMs(latency.latency_ms)} ms ·
            p95 ${fmtMs(latency.p95_latency_ms)} ms · max ${fmtMs(latency.max_latency_ms)} ms
            (${latency.samples_ms.length} requests${latency.protocol ? `, ${latency.protocol}` : ''})</td></tr>
          <tr><th>Jitter</th><td>${fmtMs(latency.jitter_ms)} ms (RFC 3550) · ${fmtMs(latency.ipdv_ms)} ms
            (mean difference)</td></tr>`}
          ${download && html`
          <tr><th>Download</th><td>${transferText(download, streamCounts(choice).down)}</td></tr>`}
          ${upload && html`
          <tr><th>Upload</th><td>${transferText(upload, streamCounts(choice).up)}</td></tr>`}
          <tr><th>Saved</th><td data-testid="result-posted">${posted ? html`<${Saved} posted=${posted} />` : '—'}</td></tr>
        </tbody>
      </table>
    </section>`}`;
}

/** The result object (docs/RESULTS.md) posted to /speedtest/result (rates as goodput in 10^6 bit/s). */
function speedResult({ startedAt, durationMs, latency, download, upload, streams, settings }) {
  const { samples_ms: samples, protocol, ...latencyFields } = latency;
  return {
    test_type: 'speedtest',
    protocol_detail: protocol ?? 'http',
    target: location.origin,
    target_host: location.hostname,
    target_port: Number(location.port) || (location.protocol === 'https:' ? 443 : 80),
    started_at: startedAt.toISOString(),
    duration_ms: durationMs,
    success: true,
    source: 'browser',
    device: { client_type: 'browser', os: navigator.userAgentData?.platform || navigator.platform || null },
    ...latencyFields,
    download_mbps: download.mbps,
    upload_mbps: upload.mbps,
    received_bytes: download.totalBytes,
    sent_bytes: upload.totalBytes,
    raw_results: {
      download_streams: streams.down,
      upload_streams: streams.up,
      phase_ms: settings.phaseMs,
      download_grace_ms: settings.downloadGraceMs,
      upload_grace_ms: settings.uploadGraceMs,
      download_peak_mbps: download.peakMbps,
      upload_peak_mbps: upload.peakMbps,
      download_intervals: download.intervals,
      upload_intervals: upload.intervals,
      latency_samples_ms: samples,
      user_agent: navigator.userAgent,
    },
  };
}
