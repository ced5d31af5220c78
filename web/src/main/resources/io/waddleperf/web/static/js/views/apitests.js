// The Network Tests and Trace Tests tabs: a probe run by the test server through its test API (docs/TEST-API.md) with
// the user's API key. The API answers once the probe has finished, so "live progress" is the measured elapsed
// time against the most the test may take; the result reads as the terminal report does (report.js).

import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { downloadJson, runApiTest } from '../api.js';
import { fmtSeconds } from '../format.js';
import { HOP_COLUMNS, answers, details, figures, hopRows, summary } from '../report.js';

/** API type → accepted protocol values (first is the server's default) and whether count/query apply. */
const TYPES = {
  network: {
    http: { protocols: ['auto', 'http1', 'http2'], count: true },
    tcp: { protocols: ['raw', 'tls', 'ssh'], count: true },
    udp: { protocols: ['echo', 'raw', 'dns'], count: true },
    dns: { protocols: ['udp', 'tcp'], count: true, query: true },
    icmp: { protocols: ['ping'], count: true },
    ssh: { protocols: ['ssh'], count: true },
    mtu: { protocols: [], count: false },
  },
  trace: {
    traceroute: { protocols: ['icmp', 'udp', 'tcp'], count: false },
    mtr: { protocols: ['icmp'], count: true },
    http_trace: { protocols: [], count: false },
    tcp_trace: { protocols: [], count: false },
    udp_trace: { protocols: [], count: false },
  },
};

function Elapsed({ since }) {
  const [now, setNow] = useState(performance.now());
  useEffect(() => {
    const t = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(t);
  }, []);
  return html`<span data-testid="api-elapsed">${fmtSeconds(now - since)}</span>`;
}

function Table({ rows, testid }) {
  return html`<table data-testid=${testid}><tbody>
    ${rows.map(([label, value]) => html`<tr><th>${label}</th><td>${value}</td></tr>`)}
  </tbody></table>`;
}

/** One result as the terminal report shows it: the peer tool's summary, labelled figures, hops, answers. */
function ResultView({ entry }) {
  const { result, type } = entry;
  const lines = summary(result);
  const hops = hopRows(result);
  const records = answers(result);
  const facts = details(result);
  return html`
    <section class="panel" data-testid="api-result">
      <h2>${type} → ${result.target} · <span class=${result.success ? '' : 'error'}>
        ${result.success ? 'success' : `failed: ${result.error}`}</span></h2>
      <p class="row">
        <button class="secondary" onClick=${() => downloadJson(result, `waddleperf-${type}-${result.id}.json`)}>
          Download JSON</button>
      </p>
      ${lines.length > 0 && html`<pre class="report" data-testid="api-summary">${lines.join('\n')}</pre>`}
      ${records.length > 0 && html`
        <h3>Answer section</h3>
        <table data-testid="answers">
          <thead><tr><th>Name</th><th class="num">TTL (s)</th><th>Class</th><th>Type</th><th>Data</th></tr></thead>
          <tbody>${records.map((r) => html`<tr>${r.map((c, i) => html`<td class=${i === 1 ? 'num' : ''}>${c}</td>`)}</tr>`)}</tbody>
        </table>`}
      ${hops.length > 0 && html`
        <h3>Hops</h3>
        <table data-testid="hops">
          <thead><tr>${HOP_COLUMNS.map(([label], i) => html`<th class=${i === 1 ? '' : 'num'}>${label}</th>`)}</tr></thead>
          <tbody>${hops.map((row) => html`<tr>${row.map((c, i) => html`<td class=${i === 1 ? '' : 'num'}>${c}</td>`)}</tr>`)}</tbody>
        </table>`}
      <h3>Figures</h3>
      <${Table} rows=${figures(result)} testid="api-figures" />
      ${facts.length > 0 && html`<details><summary>Probe details</summary><${Table} rows=${facts} testid="api-details" /></details>`}
      <details><summary>Raw JSON</summary><pre>${JSON.stringify(result, null, 2)}</pre></details>
    </section>`;
}

export function ApiTests({ kind, apiKey, setApiKey }) {
  const types = TYPES[kind];
  const [type, setType] = useState(Object.keys(types)[0]);
  const [form, setForm] = useState({ target: '', port: '', protocol: '', count: '', timeout: '', query: '' });
  const [running, setRunning] = useState(null);
  const [history, setHistory] = useState([]);
  const [error, setError] = useState(null);
  const controller = useRef(null);
  const spec = types[type];

  const set = (field) => (e) => setForm({ ...form, [field]: e.target.value });

  async function run(e) {
    e.preventDefault();
    // only fields the user filled are sent, so the server's defaults apply to the rest
    const request = { target: form.target.trim() };
    if (form.port) request.port = Number(form.port);
    if (form.protocol) request.protocol = form.protocol;
    if (form.count && spec.count) request.count = Number(form.count);
    if (form.timeout) request.timeout = Number(form.timeout);
    if (form.query && spec.query) request.query = form.query;
    controller.current = new AbortController();
    setError(null);
    setRunning({ since: performance.now(), type });
    try {
      const result = await runApiTest({ type, apiKey, request, signal: controller.current.signal });
      setHistory((h) => [{ type, result }, ...h].slice(0, 20));
    } catch (err) {
      setError(controller.current.signal.aborted ? 'Cancelled.' : err.message);
    } finally {
      setRunning(null);
    }
  }

  return html`
    <section class="panel">
      <h2>${kind === 'trace' ? 'Trace tests' : 'Network tests'}</h2>
      <form class="row" onSubmit=${run}>
        <label>API key <input type="password" autocomplete="off" value=${apiKey} data-testid="api-key"
          onInput=${(e) => setApiKey(e.target.value)} required /></label>
        <label>Test <select value=${type} data-testid="api-type" onChange=${(e) => { setType(e.target.value); setForm({ ...form, protocol: '' }); }}>
          ${Object.keys(types).map((t) => html`<option value=${t}>${t}</option>`)}</select></label>
        ${spec.protocols.length > 1 && html`<label>Protocol <select value=${form.protocol} onChange=${set('protocol')}>
          <option value="">default (${spec.protocols[0]})</option>
          ${spec.protocols.map((p) => html`<option value=${p}>${p}</option>`)}</select></label>`}
        <label>Target <input type="text" value=${form.target} onInput=${set('target')} required
          placeholder="host, host:port or URL" data-testid="api-target" /></label>
        <label>Port <input type="number" min="1" max="65535" value=${form.port} onInput=${set('port')} style="width:6rem"
          data-testid="api-port" /></label>
        ${spec.count && html`<label>Count <input type="number" min="1" max="1000" value=${form.count}
          onInput=${set('count')} style="width:5rem" /></label>`}
        <label>Timeout (s) <input type="number" min="1" max="300" value=${form.timeout} onInput=${set('timeout')}
          style="width:5rem" /></label>
        ${spec.query && html`<label>Query <input type="text" value=${form.query} onInput=${set('query')} data-testid="api-query" /></label>`}
        ${running
          ? html`<button type="button" class="secondary" onClick=${() => controller.current?.abort()}>Cancel</button>`
          : html`<button class="primary" type="submit" data-testid="api-run">Run</button>`}
      </form>
      ${running && html`<p><progress></progress> ${running.type} running for <${Elapsed} since=${running.since} /></p>`}
      ${error && html`<p class="error" data-testid="api-error">${error}</p>`}
      <p class="phase" data-testid="api-key-help">${'API keys come from this test server\'s configuration: whoever '
        + 'runs it sets them with '}<code>waddleperf testserver --api-key-file FILE</code>${' (one key per line) or '
        + 'the '}<code>WADDLEPERF_TESTSERVER_API_KEYS</code>${' environment variable, and gives them out; ask them '
        + 'for one. The key you enter is kept in this tab only (session storage).'}</p>
    </section>
    ${history.map((entry) => html`<${ResultView} entry=${entry} key=${entry.result.id} />`)}`;
}
