// Devices: status counts, search and filters (in the URL, so a filtered list can be linked), activation for admins,
// and a link to each device's results.

import { html, useState } from '../lib.js';
import { get, post, query } from '../api.js';
import { isAdmin } from '../session.js';
import { ErrorBox, Loading, StatusBadge, useLoad } from '../components.js';
import * as fmt from '../format.js';
import { navigate } from '../nav.js';

const PAGE = 50;
const STATUSES = ['online', 'recent', 'offline', 'stale', 'never'];

export function Devices({ user, params }) {
  const search = params.search || '';
  const status = params.status || '';
  const ouId = params.ou_id || '';
  const offset = Number(params.offset || 0);
  const [text, setText] = useState(search);
  const [actionError, setActionError] = useState(null);
  const ous = useLoad(() => get('/api/v1/organizations'), []);
  const counts = useLoad(() => get('/api/v1/devices/stats'), []);
  const list = useLoad(() => get('/api/v1/devices' + query({ search, status, ou_id: ouId, limit: PAGE, offset })),
    [search, status, ouId, offset]);

  const go = (changes) => navigate('/devices', { search, status, ou_id: ouId, ...changes, offset: changes.offset || undefined });
  const toggle = async (d) => {
    setActionError(null);
    try {
      await post(`/api/v1/devices/${d.id}/${d.is_active ? 'deactivate' : 'reactivate'}`);
      list.reload();
      counts.reload();
    } catch (e) {
      setActionError(e);
    }
  };
  const ouList = Array.isArray(ous.data) ? ous.data : (ous.data?.organizations || []);

  return html`<section>
    <h1 tabindex="-1">Devices</h1>
    ${counts.data && html`<ul class="status-counts" aria-label="Devices per status">
      ${STATUSES.map((s) => html`<li><a href=${'#/devices?status=' + s}><${StatusBadge} status=${s} />
        <span data-testid=${'count-' + s}>${counts.data[s]}</span></a></li>`)}
      <li class="muted">${counts.data.active} active, ${counts.data.inactive} deactivated</li></ul>`}
    <form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); go({ search: text }); }}>
      <div><label for="device-search">Search</label>
        <input id="device-search" type="search" value=${text} onInput=${(e) => setText(e.target.value)}
               placeholder="serial or host name" /></div>
      <div><label for="device-status">Status</label>
        <select id="device-status" value=${status} onChange=${(e) => go({ search: text, status: e.target.value })}>
          <option value="">any</option>${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select></div>
      <div><label for="device-ou">Organisation unit</label>
        <select id="device-ou" value=${ouId} onChange=${(e) => go({ search: text, ou_id: e.target.value })}>
          <option value="">any</option>${ouList.map((o) => html`<option value=${o.id}>${o.name}</option>`)}
        </select></div>
      <div class="filter-actions"><button type="submit">Search</button></div>
    </form>
    <${ErrorBox} error=${actionError || list.error} />
    ${list.loading && !list.data ? html`<${Loading} what="devices" />` : list.data && html`
      <p class="muted" data-testid="device-total">${list.data.total} device${list.data.total === 1 ? '' : 's'}</p>
      <div class="table-wrap"><table data-testid="devices">
        <thead><tr><th scope="col">Status</th><th scope="col">Serial</th><th scope="col">Host name</th>
          <th scope="col">OU</th><th scope="col">Client</th><th scope="col">Last seen</th><th scope="col">Active</th>
          <th scope="col">Actions</th></tr></thead>
        <tbody>${list.data.devices.map((d) => html`<tr>
          <td><${StatusBadge} status=${d.status} /></td>
          <td>${d.device_serial}</td><td>${d.device_hostname || '—'}</td><td>${d.ou_name || '—'}</td>
          <td>${d.client_type || '—'} ${d.client_version || ''}</td>
          <td title=${d.last_seen ? fmt.time(d.last_seen) : ''}>${fmt.ago(d.seconds_since_last_seen)}</td>
          <td>${d.is_active ? 'yes' : html`<span class="badge fail">deactivated</span>`}</td>
          <td class="actions">
            <a href=${'#/results?device_serial=' + encodeURIComponent(d.device_serial)}>Results</a>
            <a href=${'#/statistics?device=' + encodeURIComponent(d.device_serial)}>Statistics</a>
            ${isAdmin(user) && html`<button type="button" class="secondary" onClick=${() => toggle(d)}
              aria-label=${(d.is_active ? 'Deactivate ' : 'Reactivate ') + d.device_serial}>
              ${d.is_active ? 'Deactivate' : 'Reactivate'}</button>`}
          </td></tr>`)}
        </tbody></table></div>
      <div class="pager">
        <button type="button" class="secondary" disabled=${offset === 0} onClick=${() => go({ search, offset: Math.max(0, offset - PAGE) })}>Previous</button>
        <span class="muted">${list.data.total ? `${offset + 1}–${Math.min(offset + PAGE, list.data.total)} of ${list.data.total}` : ''}</span>
        <button type="button" class="secondary" disabled=${offset + PAGE >= list.data.total} onClick=${() => go({ search, offset: offset + PAGE })}>Next</button>
      </div>`}
  </section>`;
}
