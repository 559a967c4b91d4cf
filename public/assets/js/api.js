// The dashboard speaks to the same HTTP API as any other client.

const KEY_STORAGE = 'demarche.apiKey';

/** An API key the user entered for this tab (sent as a Bearer token), or null. */
export function apiKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function setApiKey(secret) {
  try {
    if (secret) sessionStorage.setItem(KEY_STORAGE, secret);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage disabled: the key is simply not remembered.
  }
}

export function authHeaders() {
  const key = apiKey();
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** A problem+json answer (RFC 9457), or a network failure said the same way. */
export class ApiProblem extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.problem = problem;
    this.status = problem.status;
  }
}

async function request(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      // Every write says JSON, a bodiless DELETE too: the server refuses other writes (a cross-site form cannot send this type).
      headers: { accept: 'application/json', ...authHeaders(), ...(body !== undefined || method !== 'GET' ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new ApiProblem({ status: 0, title: 'Network error', detail: 'The server could not be reached. Is Demarche running?' });
  }
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    throw new ApiProblem(json && typeof json === 'object' ? json : { status: response.status, title: response.statusText, detail: text.slice(0, 200) });
  }
  return json;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body),
  delete: (path) => request('DELETE', path),
};

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

let catalogPromise;
/** Incident types (with their details schema), levels and countries; fetched once per page. */
export function catalog() {
  catalogPromise ??= api.get('/catalog');
  return catalogPromise;
}
