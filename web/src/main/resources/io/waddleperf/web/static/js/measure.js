// The measurement engine: latency, multi-stream download and upload, and a sized download. It knows nothing of
// the page; views pass callbacks and get plain objects back. The method follows LibreSpeed's web client
// (docs/PROTOCOL-http-speedtest.md): parallel streams started a little apart, bytes counted as they arrive, a warm-up (grace)
// period discarded so TCP slow start does not drag the figure down, and goodput reported as it is (LibreSpeed's
// default 1.06 "overhead compensation" is deliberately not applied: we report what the application received).

import { latencyStats, mbps } from './stats.js';

/** Defaults of the speed test; LibreSpeed's settings, see docs/PROTOCOL-http-speedtest.md. */
export const SPEED_DEFAULTS = Object.freeze({
  downloadStreams: 6,
  uploadStreams: 3,
  phaseMs: 10000,
  downloadGraceMs: 1500,
  uploadGraceMs: 3000,
  staggerMs: 300,    // LibreSpeed xhr_multistreamDelay: stream i starts i × 300 ms after the first
  pingCount: 10,
  tickMs: 200,       // how often the rate is sampled and reported to the view
  downloadChunkMiB: 100, // each download request asks for the server's maximum; a finished one is re-requested
  uploadChunkMiB: 8,
});

/**
 * The server's endpoints (docs/PROTOCOL-http-speedtest.md). A page served elsewhere (the manager's speed test) passes
 * its own as `endpoints`: `ping` and `upload` paths, `download(mib)` a function of the size.
 */
export const ENDPOINTS = Object.freeze({
  ping: '/speedtest/ping',
  download: (mib) => `/speedtest/download?size=${mib}`,
  upload: '/speedtest/upload',
  result: '/speedtest/result',
  garbage: (mib) => `/garbage?ckSize=${mib}`,
});

const sleep = (ms, signal) => new Promise((resolve) => {
  if (signal?.aborted || ms <= 0) return resolve();
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
});

/**
 * Idle latency: `count` sequential GETs of the ping endpoint after one warm-up request (which pays for the
 * connection). Each sample is the Resource Timing request-to-first-byte time when the browser exposes it, else the
 * fetch wall time, whichever is smaller (as LibreSpeed does: wall time includes event-loop delays).
 */
export async function measureLatency({ count = SPEED_DEFAULTS.pingCount, signal, onSample, endpoints = ENDPOINTS } = {}) {
  performance.clearResourceTimings();
  const samples = [];
  let protocol = null;
  for (let i = 0; i <= count; i++) {
    const url = new URL(`${endpoints.ping}?seq=${i}`, location.href).href;
    const started = performance.now();
    const res = await fetch(url, { cache: 'no-store', signal });
    if (!res.ok) throw new Error(`ping answered HTTP ${res.status}`);
    await res.arrayBuffer();
    let ms = performance.now() - started;
    const timing = performance.getEntriesByName(url).pop();
    if (timing && timing.requestStart > 0 && timing.responseStart > timing.requestStart) {
      ms = Math.min(ms, timing.responseStart - timing.requestStart);
    }
    protocol = timing?.nextHopProtocol || protocol;
    if (i === 0) continue; // warm-up
    samples.push(ms);
    onSample?.(ms, i);
  }
  return { ...latencyStats(samples), samples_ms: samples, protocol };
}

/**
 * Runs `streams` parallel transfers for `phaseMs`, each stream repeating `transferOnce` until the phase ends.
 * Every `tickMs` it reports the rate over the last tick (`instantMbps`) and, once the grace time has passed, the
 * average since the end of grace (`averageMbps`, the figure the test reports).
 */
async function runTransferPhase({ streams, phaseMs, graceMs, staggerMs, tickMs, transferOnce, signal, onTick }) {
  if (graceMs + 1000 > phaseMs) throw new Error('the phase must be at least 1 s longer than its warm-up');
  const counter = { bytes: 0 };
  const stop = new AbortController();
  const abort = () => stop.abort();
  signal?.addEventListener('abort', abort, { once: true });
  let failure = null;

  const stream = async (index) => {
    await sleep(index * staggerMs, stop.signal);
    let errors = 0;
    while (!stop.signal.aborted) {
      try {
        await transferOnce(counter, stop.signal);
      } catch (e) {
        if (stop.signal.aborted) break;
        // like LibreSpeed's xhr_ignoreErrors=1 a failed request is retried, but a stream that keeps failing
        // ends the test with the server's reason rather than reporting a rate from fewer streams
        if (++errors >= 3) { failure = e; stop.abort(); break; }
        await sleep(100, stop.signal);
      }
    }
  };
  const running = Array.from({ length: streams }, (_, i) => stream(i));

  const started = performance.now();
  const intervals = [];
  let last = { t: started, bytes: 0 };
  let second = { t: started, bytes: 0 };
  let grace = null; // {t, bytes} where the measured window starts
  let peakMbps = 0;
  let final = null;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      const bytes = counter.bytes;
      const instantMbps = mbps(bytes - last.bytes, now - last.t);
      last = { t: now, bytes };
      // grace ends only once data flows, so a slow first byte is not counted as a slow link (LibreSpeed does the same)
      if (!grace && now - started >= graceMs && bytes > 0) grace = { t: now, bytes };
      const averageMbps = grace && now > grace.t ? mbps(bytes - grace.bytes, now - grace.t) : null;
      if (grace) peakMbps = Math.max(peakMbps, instantMbps);
      if (now - second.t >= 1000) {
        intervals.push({
          start_seconds: (second.t - started) / 1000, end_seconds: (now - started) / 1000,
          bytes: bytes - second.bytes, throughput_mbps: mbps(bytes - second.bytes, now - second.t),
        });
        second = { t: now, bytes };
      }
      onTick?.({ elapsedMs: now - started, instantMbps, averageMbps, bytes, warmingUp: !grace });
      if (now - started >= phaseMs || stop.signal.aborted) {
        clearInterval(timer);
        final = { t: now, bytes };
        resolve();
      }
    };
    const timer = setInterval(tick, tickMs);
  });
  stop.abort();
  await Promise.allSettled(running);
  signal?.removeEventListener('abort', abort);
  if (failure) throw failure;
  if (signal?.aborted) throw new DOMException('cancelled', 'AbortError');
  if (!grace || final.t <= grace.t) throw new Error('no data arrived after the warm-up');
  return {
    mbps: mbps(final.bytes - grace.bytes, final.t - grace.t),
    peakMbps,
    measuredBytes: final.bytes - grace.bytes,
    measuredMs: final.t - grace.t,
    totalBytes: final.bytes,
    intervals,
  };
}

/** One download request read to its end through a ReadableStream reader, counting bytes as chunks arrive. */
async function downloadOnce(url, counter, signal) {
  const res = await fetch(url, { cache: 'no-store', signal });
  if (!res.ok) throw new Error(`download answered HTTP ${res.status}`);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    counter.bytes += value.byteLength;
  }
}

/**
 * One upload request through XMLHttpRequest: fetch() has no upload progress, and XHR's `upload.onprogress`
 * reports bytes as the browser hands them to the network, so the rate is live rather than known only at the end.
 */
function uploadOnce(url, body, counter, signal, headers = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let counted = 0;
    const onAbort = () => xhr.abort();
    xhr.upload.onprogress = (e) => { counter.bytes += e.loaded - counted; counted = e.loaded; };
    xhr.onload = () => {
      signal.removeEventListener('abort', onAbort);
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new Error(`upload answered HTTP ${xhr.status}`));
    };
    xhr.onerror = () => { signal.removeEventListener('abort', onAbort); reject(new Error('upload failed (network error)')); };
    xhr.onabort = () => { signal.removeEventListener('abort', onAbort); resolve(); };
    signal.addEventListener('abort', onAbort, { once: true });
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.send(body);
  });
}

/**
 * An upload body of `mib` MiB of incompressible bytes: one MiB from the CSPRNG repeated (like LibreSpeed), so no
 * compressing proxy or link can make the upload look faster than the bytes that crossed it.
 */
export function uploadBody(mib) {
  const chunk = new Uint8Array(1 << 20);
  for (let off = 0; off < chunk.length; off += 65536) {
    crypto.getRandomValues(chunk.subarray(off, off + 65536)); // getRandomValues fills at most 64 KiB per call
  }
  return new Blob(Array.from({ length: mib }, () => chunk), { type: 'application/octet-stream' });
}

export function measureDownload({ streams, phaseMs, graceMs, staggerMs = SPEED_DEFAULTS.staggerMs,
  tickMs = SPEED_DEFAULTS.tickMs, signal, onTick, endpoints = ENDPOINTS, chunkMiB = SPEED_DEFAULTS.downloadChunkMiB }) {
  const url = endpoints.download(chunkMiB);
  return runTransferPhase({ streams, phaseMs, graceMs, staggerMs, tickMs, signal, onTick,
    transferOnce: (counter, s) => downloadOnce(url, counter, s) });
}

/** `headers` go on every upload request (the manager's CSRF token). */
export function measureUpload({ streams, phaseMs, graceMs, staggerMs = SPEED_DEFAULTS.staggerMs,
  tickMs = SPEED_DEFAULTS.tickMs, signal, onTick, endpoints = ENDPOINTS, chunkMiB = SPEED_DEFAULTS.uploadChunkMiB,
  headers = {} }) {
  const body = uploadBody(chunkMiB);
  return runTransferPhase({ streams, phaseMs, graceMs, staggerMs, tickMs, signal, onTick,
    transferOnce: (counter, s) => uploadOnce(endpoints.upload, body, counter, s, headers) });
}

/**
 * Downloads `mib` MiB in one request, reporting progress every `tickMs`: the rate over the last second (a sliding
 * window, so the live figure is steady enough to read), its peak, and the average since the first byte.
 */
export async function downloadSized({ mib, tickMs = 250, signal, onTick }) {
  const started = performance.now();
  const res = await fetch(ENDPOINTS.garbage(mib), { cache: 'no-store', signal });
  if (!res.ok) throw new Error(`download answered HTTP ${res.status}`);
  const totalBytes = Number(res.headers.get('Content-Length')) || mib * 1048576;
  const reader = res.body.getReader();
  let bytes = 0;
  let firstByteAt = null;
  let peakMbps = 0;
  const recent = []; // {t, bytes} samples of the last second
  const report = () => {
    const now = performance.now();
    recent.push({ t: now, bytes });
    while (recent.length > 2 && now - recent[1].t >= 1000) recent.shift();
    const oldest = recent[0];
    // the live rate needs a full second of samples; before that it would be the rate of a few chunks
    const liveMbps = now - oldest.t >= 1000 * 0.75 ? mbps(bytes - oldest.bytes, now - oldest.t) : null;
    if (liveMbps !== null) peakMbps = Math.max(peakMbps, liveMbps);
    onTick?.({ bytes, totalBytes, elapsedMs: now - started, liveMbps, peakMbps,
      averageMbps: firstByteAt !== null ? mbps(bytes, now - firstByteAt) : null });
  };
  const timer = setInterval(report, tickMs);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (firstByteAt === null) firstByteAt = performance.now();
      bytes += value.byteLength;
    }
  } finally {
    clearInterval(timer);
  }
  const ended = performance.now();
  if (bytes < totalBytes) throw new Error(`the server sent ${bytes} of ${totalBytes} bytes`);
  return {
    bytes, elapsedMs: ended - started, ttfbMs: firstByteAt - started,
    averageMbps: mbps(bytes, ended - firstByteAt), peakMbps,
  };
}
