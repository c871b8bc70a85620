// The HTTP API (docs/API.md). Same origin, authenticated by the HttpOnly cookie.
// Paths are relative to the page ('api/projects', never '/api/projects'): the page lives under
// the launch's session prefix (/s/<secret>/), the only path the browser sends the cookie to.

export class ApiError extends Error {
  constructor(status, code, message, field, modelId) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.modelId = modelId; // which model a refused parameter belongs to
  }
}

async function request(method, path, body) {
  if (path.startsWith('/')) {
    // a root path would leave the prefix, and arrive without the cookie (401)
    throw new Error(`API paths are relative to the page: '${path.slice(1)}', not '${path}'.`);
  }
  const init = { method, headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, 'offline', 'Reelcut is not answering. Is it still running?');
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(response.status, e.code || 'error', e.message || `Request failed (${response.status}).`, e.field, e.model_id);
  }
  return data;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body = {}) => request('POST', path, body),
  put: (path, body) => request('PUT', path, body),
  patch: (path, body) => request('PATCH', path, body),
  del: (path) => request('DELETE', path),
};
