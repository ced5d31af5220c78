// Calls to the test server other than the measurement streams: the test API (docs/TEST-API.md) and result posting.

import { ENDPOINTS } from './measure.js';

/** Runs one test through `POST /api/v1/test/{type}` and returns the result object (docs/RESULTS.md). */
export async function runApiTest({ type, apiKey, request, signal }) {
  const res = await fetch(`/api/v1/test/${encodeURIComponent(type)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `ApiKey ${apiKey}` },
    body: JSON.stringify(request),
    cache: 'no-store',
    signal,
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    // refused requests carry {error, field} (ApiError); say which field when there is one
    const reason = body?.error ?? res.statusText;
    throw new Error(`HTTP ${res.status}: ${body?.field ? `${body.field}: ` : ''}${reason}`);
  }
  return body;
}

/**
 * Posts a finished browser speed test to `/speedtest/result`; returns where the server keeps it: `id`, `url` (the
 * absolute address that fetches it again) and `storedIn` (the server's file for such results).
 */
export async function postSpeedResult(result) {
  const res = await fetch(ENDPOINTS.result, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(result),
    cache: 'no-store',
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${body?.error ?? res.statusText}`);
  return {
    id: body.id,
    url: new URL(body.url ?? res.headers.get('Location') ?? `${ENDPOINTS.result}/${body.id}`, location.href).href,
    storedIn: body.stored_in ?? null,
  };
}

/** Offers `value` as a JSON file download (no server round trip). */
export function downloadJson(value, fileName) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
