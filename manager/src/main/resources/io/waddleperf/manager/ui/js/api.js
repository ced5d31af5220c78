// The manager's API from the page: same-origin fetches with the session cookie (HttpOnly, so no script holds the
// session token) and the CSRF token, which the manager sets as the readable cookie wp_csrf, on every change.

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const unauthorizedListeners = new Set();

/** A refused request: the status and the API's {error, field?} answer. */
export class ApiError extends Error {
  constructor(status, body, text) {
    super(body && body.error ? body.error : `HTTP ${status}${text ? ': ' + text.slice(0, 200) : ''}`);
    this.status = status;
    this.body = body || {};
    this.field = this.body.field;
  }
}

export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'wp_csrf') return decodeURIComponent(value.join('='));
  }
  return null;
}

/** Called when any request answers 401: the session ended (expired, logged out elsewhere, password changed). */
export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function call(method, path, body) {
  return (await exchange(method, path, body)).data;
}

/** A GET answer as the server sent it: {data, text}. */
export async function getWithText(path) {
  return exchange('GET', path);
}

async function exchange(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE.has(method)) {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin', cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = response.status === 204 ? '' : await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data, data ? '' : text);
    if (response.status === 401 && !path.startsWith('/api/v1/auth/web-login')) {
      unauthorizedListeners.forEach((l) => l(error));
    }
    throw error;
  }
  return { data, text };
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body);
export const put = (path, body) => call('PUT', path, body);
export const patch = (path, body) => call('PATCH', path, body);
export const del = (path) => call('DELETE', path);

/** A query string from the non-empty entries of an object. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
