// The agent's status page: what AutoPerf is doing, the newest result of each probe, recent escalations, the outbox,
// the manager link. Everything comes from the status port's JSON endpoints and is rendered by Preact, which escapes
// all text (probe errors, reasons and names can come from remote peers or the manager).
import { h, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';

const html = htm.bind(h);
const REFRESH_MS = 5000;
const TRIGGERS_SHOWN = 20;

async function getJson(path) {
  const r = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!r.ok) {
    throw new Error(`${path}: HTTP ${r.status}`);
  }
  return r.json();
}

const num = (v, digits = 1) => (v === null || v === undefined ? null : Number(v).toFixed(digits));

/** A moment as local time, with how far it is from now. */
function when(iso, now) {
  if (!iso) {
    return '—';
  }
  const t = new Date(iso);
  const s = Math.round((t.getTime() - now) / 1000);
  const abs = Math.abs(s);
  const span = abs < 120 ? `${abs} s` : abs < 7200 ? `${Math.round(abs / 60)} min` : `${Math.round(abs / 3600)} h`;
  return `${t.toLocaleTimeString()} (${s >= 0 ? 'in ' + span : span + ' ago'})`;
}

/** The figures a result has, as short labelled texts. */
export function figures(r) {
  const out = [];
  const add = (label, value, unit) => {
    if (value !== null && value !== undefined) {
      out.push(`${label} ${value}${unit}`);
    }
  };
  add('latency', num(r.latency_ms, 2), ' ms');
  add('jitter', num(r.jitter_ms, 2), ' ms');
  add('loss', num(r.packet_loss_percent, 1), ' %');
  add('DNS', num(r.dns_ms, 1), ' ms');
  add('connect', num(r.connect_ms, 1), ' ms');
  add('TTFB', num(r.ttfb_ms, 1), ' ms');
  add('total', num(r.total_time_ms, 1), ' ms');
  add('HTTP', r.status_code, '');
  add('throughput', num(r.throughput_mbps, 1), ' Mbit/s');
  add('download', num(r.download_mbps, 1), ' Mbit/s');
  add('upload', num(r.upload_mbps, 1), ' Mbit/s');
  add('RPM', num(r.rpm, 0), '');
  add('hops', r.hop_count, '');
  add('path MTU', r.path_mtu_bytes, ' B');
  add('certificate', r.cert_days_left, ' days left');
  if (out.length === 0) {
    add('took', num(r.duration_ms, 1), ' ms');
  }
  return out;
}

function Summary({ status, agent, now }) {
  const tier = status.current_tier;
  return html`
    <div class="summary">
      <div class=${'card tier-' + tier} data-test="current-tier">
        <div class="muted">current tier</div><div class="value">${status.enabled ? 'Tier ' + tier : 'AutoPerf off'}</div>
      </div>
      <div class="card" data-test="next-run">
        <div class="muted">next run</div>
        <div class="value">${status.paused ? 'paused' : status.next_run ? 'Tier ' + status.next_tier : '—'}</div>
        <div>${when(status.next_run, now)}</div>
      </div>
      <div class="card"><div class="muted">last run</div><div>${when(status.last_run, now)}</div>
        <div class="muted">${status.test_count} probe runs</div></div>
      <div class="card"><div class="muted">configuration</div><div data-test="config-source">${agent.config_source}</div>
        <div class="muted">every ${agent.interval}${agent.target_server ? ' against ' + agent.target_server : ''}</div></div>
    </div>
    ${status.escalation_held_until && html`<p class="muted">Escalation held until ${when(status.escalation_held_until, now)}
      (backoff).</p>`}
    ${status.awaiting_confirmation_for_tier && html`<p class="muted">Waiting to confirm tier
      ${status.awaiting_confirmation_for_tier}.</p>`}`;
}

function Probes({ results, now }) {
  if (results.length === 0) {
    return html`<p class="muted">No probe has run yet.</p>`;
  }
  return html`
    <table data-test="probes">
      <thead><tr><th>tier</th><th>probe</th><th>target</th><th>result</th><th>figures</th><th>when</th></tr></thead>
      <tbody>${results.map((p) => html`
        <tr key=${p.tier + '/' + p.probe} data-probe=${p.probe}>
          <td>${p.tier}</td>
          <td>${p.probe}<div class="muted">${p.result.test_type}</div></td>
          <td>${p.result.target}</td>
          <td class=${p.result.success ? 'ok' : 'bad'}>${p.result.success ? 'ok' : 'failed'}</td>
          <td>${figures(p.result).join(' · ')}${p.result.error && html`<div class="error">${p.result.error}</div>`}</td>
          <td>${when(p.result.started_at, now)}</td>
        </tr>`)}
      </tbody>
    </table>`;
}

function Escalations({ triggers, now }) {
  if (triggers.length === 0) {
    return html`<p class="muted">No escalation since the agent started.</p>`;
  }
  const newest = triggers.slice(-TRIGGERS_SHOWN).reverse();
  return html`
    <table data-test="triggers">
      <thead><tr><th>when</th><th>change</th><th>reason</th><th>took</th></tr></thead>
      <tbody>${newest.map((t) => html`
        <tr key=${t.timestamp + t.to_tier}>
          <td>${when(t.timestamp, now)}</td>
          <td>tier ${t.from_tier} → tier ${t.to_tier}</td>
          <td>${t.reason}</td>
          <td>${t.duration || '—'}</td>
        </tr>`)}
      </tbody>
    </table>`;
}

function Outbox({ outbox, now }) {
  return html`
    <p class="muted">${outbox.results} results, ${Math.round(outbox.bytes / 1024)} KiB of
      ${Math.round(outbox.max_bytes / 1048576)} MiB in the spool${outbox.dropped ? `; ${outbox.dropped} dropped` : ''}</p>
    <table data-test="sinks">
      <thead><tr><th>sink</th><th>waiting</th><th>delivered</th><th>failures</th><th>last delivery</th><th>state</th></tr></thead>
      <tbody>${outbox.sinks.map((s) => html`
        <tr key=${s.name} data-sink=${s.name}>
          <td>${s.name}</td>
          <td class="num" data-test="pending">${s.pending}</td>
          <td class="num">${s.delivered}</td>
          <td class="num">${s.failures}</td>
          <td>${when(s.last_success, now)}</td>
          <td>${s.last_error ? html`<span class="error">${s.last_error}</span>
            <div class="muted">next attempt ${when(s.next_attempt, now)}</div>` : 'ok'}</td>
        </tr>`)}
      </tbody>
    </table>`;
}

function Manager({ manager, now }) {
  if (!manager) {
    return null;
  }
  return html`
    <h2>Manager</h2>
    <table data-test="manager"><tbody>
      <tr><th>manager</th><td>${manager.url}</td></tr>
      <tr><th>device</th><td>${manager.enrolled ? manager.device_serial : 'not enrolled yet'}</td></tr>
      <tr><th>heartbeat</th><td>${manager.heartbeat_accepted ? 'accepted' : 'not yet'}</td></tr>
      <tr><th>configuration</th><td>${manager.config_name || '—'}
        ${manager.config_updated_at && html`<span class="muted"> updated ${manager.config_updated_at}</span>`}</td></tr>
      <tr><th>next check</th><td>${when(manager.next_config_check, now)}</td></tr>
      ${manager.last_refusal && html`<tr><th>refused</th><td class="error">${manager.last_refusal}</td></tr>`}
      ${manager.last_error && html`<tr><th>last error</th><td class="error">${manager.last_error}</td></tr>`}
    </tbody></table>`;
}

function App() {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stopped = false;
    async function load() {
      try {
        const [status, triggers, results, agent] = await Promise.all([getJson('/api/autoperf/status'),
          getJson('/api/autoperf/triggers'), getJson('/api/autoperf/results'), getJson('/api/agent')]);
        if (!stopped) {
          setData({ status, triggers: triggers.triggers, results: results.results, agent, at: Date.now() });
          setError(null);
        }
      } catch (e) {
        if (!stopped) {
          setError(String(e.message || e));
        }
      }
    }
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => { stopped = true; clearInterval(timer); };
  }, []);
  if (!data) {
    return html`<p class="muted">${error ? 'Cannot read the agent status: ' + error : 'Loading…'}</p>`;
  }
  const now = data.at;
  return html`
    <h1>WaddlePerf agent <span class="muted">${data.agent.version}</span></h1>
    ${error && html`<p class="banner">Cannot refresh: ${error} (showing the last answer)</p>`}
    <${Summary} status=${data.status} agent=${data.agent} now=${now} />
    <h2>Probes</h2>
    <${Probes} results=${data.results} now=${now} />
    <h2>Escalations</h2>
    <${Escalations} triggers=${data.triggers} now=${now} />
    <h2>Outbox</h2>
    <${Outbox} outbox=${data.status.outbox} now=${now} />
    <${Manager} manager=${data.agent.manager} now=${now} />`;
}

render(html`<${App} />`, document.getElementById('app'));
