// The one way the pages reach the server: the documented JSON API
// (/api/v1/openapi.json), with the session cookie the browser keeps and the
// CSRF token the session answered, sent with every change. An error answer
// (RFC 9457 problem+json) becomes an ApiError; the pages show it in the
// chosen language (errors.ts).

export interface Problem {
  status: number;
  code: string;
  detail: string;
  field?: string;
  reason?: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
}

// A failure to reach the server at all (no answer).
export const networkProblem: Problem = { status: 0, code: 'network', detail: '' };

let csrfToken: string | null = null;
let onSessionEnded: () => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

// Called when a request made while signed in answers that the session ended.
export function whenSessionEnds(callback: () => void): void {
  onSessionEnded = callback;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(networkProblem);
  }
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('Content-Type') ?? '';
  const payload = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const problem: Problem =
      payload && typeof payload === 'object'
        ? (payload as Problem)
        : { status: response.status, code: 'internal', detail: '' };
    if (problem.reason === 'session_ended' && csrfToken !== null) onSessionEnded();
    throw new ApiError(problem);
  }
  return payload as T;
}

// What the server knows of the caller (GET/POST /api/v1/session).
export interface Organization {
  id: string;
  kind: string;
  name_ja: string;
  name_en: string;
  sectors: string[];
  ceptoars: string[];
}

export interface Principal {
  id: string;
  organization: string;
  name: string;
  roles: string[];
  disabled_at?: string;
  language?: string;
}

export interface Identity {
  principal: Principal;
  organization: Organization | null;
  csrf_token: string | null;
  expires_at?: string;
}

export interface Items<T> {
  items: T[];
}
