// Navigation by the URL's fragment (#/path?query): the manager serves one page, and every screen can be linked.

export function navigate(path, params) {
  const q = new URLSearchParams(Object.entries(params || {}).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const s = q.toString();
  location.hash = '#' + path + (s ? '?' + s : '');
}

/** The route: `#/path?query` → {path: ['path', …], params}. */
export function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, q] = raw.split('?', 2);
  return { path: path.split('/').filter(Boolean), params: Object.fromEntries(new URLSearchParams(q || '')) };
}
