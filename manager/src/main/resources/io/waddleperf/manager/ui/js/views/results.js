// Results: the newest results with filters, and one result with every field, its hops, its intervals and its JSON.

import { html, useState } from '../lib.js';
import { get, getWithText, query } from '../api.js';
import { DownloadLink, ErrorBox, LineChart, Loading, OkBadge, useLoad } from '../components.js';
import * as fmt from '../format.js';
import { navigate } from '../nav.js';

const LIMIT = 100;

export function Results({ params }) {
  const [serial, setSerial] = useState(params.device_serial || '');
  const [type, setType] = useState(params.test_type || '');
  const list = useLoad(() => get('/api/v1/results' + query({ limit: LIMIT, device_serial: params.device_serial,
    test_type: params.test_type, success: params.success })), [JSON.stringify(params)]);
  const set = (changes) => navigate('/results', { ...params, ...changes });
  return html`<section>
    <h1 tabindex="-1">Results</h1>
    <form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); set({ device_serial: serial, test_type: type }); }}>
      <div><label for="results-device">Device serial</label>
        <input id="results-device" value=${serial} onInput=${(e) => setSerial(e.target.value)} /></div>
      <div><label for="results-type">Test type</label>
        <input id="results-type" value=${type} onInput=${(e) => setType(e.target.value)} placeholder="e.g. icmp" /></div>
      <div><label for="results-outcome">Outcome</label>
        <select id="results-outcome" value=${params.success || ''} onChange=${(e) => set({ device_serial: serial, test_type: type, success: e.target.value })}>
          <option value="">any</option><option value="true">successes</option><option value="false">failures</option>
        </select></div>
      <div class="filter-actions"><button type="submit">Filter</button></div>
    </form>
    <${ErrorBox} error=${list.error} />
    ${list.loading ? html`<${Loading} what="results" />` : list.data && html`
      <p class="muted">The newest ${list.data.length === LIMIT ? LIMIT : list.data.length} results.</p>
      <div class="table-wrap"><table data-testid="results">
        <thead><tr><th scope="col">Started</th><th scope="col">Type</th><th scope="col">Target</th><th scope="col">Device</th><th scope="col">User</th>
          <th scope="col">Outcome</th><th scope="col">Latency</th><th scope="col">Loss</th><th scope="col">Throughput</th></tr></thead>
        <tbody>${list.data.map((r) => html`<tr>
          <td><a href=${'#/result/' + r.id}>${fmt.time(r.started_at)}</a></td><td>${r.test_type}</td><td>${r.target}</td>
          <td>${r.device?.serial || '—'}</td><td>${r.raw_results?.username || '—'}</td><td><${OkBadge} ok=${r.success} /></td><td class="num">${fmt.ms(r.latency_ms)}</td>
          <td class="num">${fmt.pct(r.packet_loss_percent)}</td><td class="num">${throughput(r)}</td></tr>`)}
        </tbody></table></div>`}
  </section>`;
}

/** The list's throughput: a browser speed test's download and upload, else the single figure. */
function throughput(r) {
  if (r.throughput_mbps == null && (r.download_mbps != null || r.upload_mbps != null)) {
    return `↓ ${fmt.mbps(r.download_mbps)} ↑ ${fmt.mbps(r.upload_mbps)}`;
  }
  return fmt.mbps(r.throughput_mbps);
}

/** Every scalar of a document as [dotted path, value], nested objects flattened; hops and intervals have their own tables. */
function fields(doc, prefix = '', out = []) {
  for (const [k, v] of Object.entries(doc)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (!prefix && (k === 'hops' || k === 'intervals')) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) fields(v, path, out);
    else if (Array.isArray(v) && v.some((e) => e !== null && typeof e === 'object')) {
      v.forEach((e, i) => (e !== null && typeof e === 'object' ? fields(e, `${path}[${i}]`, out) : out.push([`${path}[${i}]`, e])));
    } else out.push([path, Array.isArray(v) ? v.join(', ') : v]);
  }
  return out;
}

const HOP_COLUMNS = [['hop', 'Hop'], ['ip', 'Address'], ['hostname', 'Host name'], ['loss_percent', 'Loss %'],
  ['sent', 'Sent'], ['last_ms', 'Last ms'], ['avg_ms', 'Avg ms'], ['best_ms', 'Best ms'], ['worst_ms', 'Worst ms'],
  ['stddev_ms', 'StDev ms']];

function cell(v) {
  if (v === undefined || v === null) return '—';
  return typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v);
}

export function ResultDetail({ id }) {
  const r = useLoad(() => getWithText('/api/v1/results/' + encodeURIComponent(id)), [id]);
  if (r.loading) return html`<section><h1 tabindex="-1">Result</h1><${Loading} /></section>`;
  if (r.error) return html`<section><h1 tabindex="-1">Result</h1><${ErrorBox} error=${r.error} /></section>`;
  const doc = r.data.data;
  // shown indented for reading; the download is the stored document exactly as the API sent it
  const pretty = JSON.stringify(doc, null, 2);
  const intervals = Array.isArray(doc.intervals) ? doc.intervals : [];
  return html`<section data-testid="result-detail">
    <h1 tabindex="-1">${doc.test_type} ${doc.target}</h1>
    <p><${OkBadge} ok=${doc.success} /> ${fmt.time(doc.started_at)}${doc.raw_results?.username
      ? html` — by <span data-testid="result-user">${doc.raw_results.username}</span>` : ''}${doc.error ? html` — <span class="error-text">${doc.error}</span>` : ''}</p>
    <h2>Fields</h2>
    <div class="table-wrap"><table class="fields" data-testid="result-fields">
      <tbody>${fields(doc).map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${cell(v)}</td></tr>`)}</tbody>
    </table></div>
    ${Array.isArray(doc.hops) && html`<h2>Hops</h2>
      <div class="table-wrap"><table data-testid="hops">
        <thead><tr>${HOP_COLUMNS.map(([, label]) => html`<th scope="col">${label}</th>`)}</tr></thead>
        <tbody>${doc.hops.map((h) => html`<tr>${HOP_COLUMNS.map(([k]) => html`<td>${cell(h[k])}</td>`)}</tr>`)}</tbody>
      </table></div>`}
    ${intervals.length > 0 && html`<h2>Intervals</h2>
      <${LineChart} title="Throughput per interval" x=${intervals.map((i) => i.end_seconds)} xTime=${false}
        series=${[{ label: 'throughput', values: intervals.map((i) => i.throughput_mbps ?? null) }]} unit="Mbit/s"
        testid="intervals-chart" />
      <div class="table-wrap"><table data-testid="intervals">
        <thead><tr><th scope="col">Start s</th><th scope="col">End s</th><th scope="col">Bytes</th><th scope="col">Mbit/s</th><th scope="col">Retransmits</th></tr></thead>
        <tbody>${intervals.map((i) => html`<tr><td>${cell(i.start_seconds)}</td><td>${cell(i.end_seconds)}</td><td>${cell(i.bytes)}</td>
          <td>${cell(i.throughput_mbps)}</td><td>${cell(i.retransmits)}</td></tr>`)}</tbody>
      </table></div>`}
    <h2>Raw JSON</h2>
    <p><${DownloadLink} text=${r.data.text} type="application/json" filename=${'result-' + doc.id + '.json'} label="Download JSON" testid="download-json" /></p>
    <pre class="raw" data-testid="raw-json" tabindex="0" aria-label="Raw JSON">${pretty}</pre>
  </section>`;
}
