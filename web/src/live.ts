// The event stream (GET /api/v1/stream, Server-Sent Events) in the
// browser's own EventSource, which sends the session cookie and resumes
// with Last-Event-ID by itself after a dropped connection. One connection
// for the whole application, opened while any part of it listens: a page
// (or the frame) names the event types it wants and gets each event's
// data parsed.
import { useEffect, useRef, useState } from 'preact/hooks';

import { api } from './api';

export type LiveState = 'connecting' | 'live' | 'down';
type Listener = (type: string, data: unknown) => void;

let source: EventSource | null = null;
let state: LiveState = 'connecting';
const listeners = new Map<string, Set<Listener>>();
const stateWatchers = new Set<(s: LiveState) => void>();
let subscribers = 0;

function setState(next: LiveState) {
  state = next;
  stateWatchers.forEach((w) => w(next));
}

function listen(type: string) {
  source?.addEventListener(type, (event: MessageEvent) => {
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      return;  // an event no page can read is no page's to show
    }
    listeners.get(type)?.forEach((l) => l(type, data));
  });
}

function open() {
  source = new EventSource('/api/v1/stream');
  setState('connecting');
  source.onopen = () => setState('live');
  // A closed source (refused, session ended) does not retry; one that is
  // reconnecting does, and says so by its readyState.
  source.onerror = () => setState(source?.readyState === EventSource.CLOSED ? 'down' : 'connecting');
  // The server's own last word ("event: error" with a reason), not a
  // connection error: when the session (or token) the stream was opened with
  // ended — signed out elsewhere, a password change, the person disabled —
  // reconnecting is pointless. Asking who we are lets the application see
  // the session end and say so (api.ts whenSessionEnds).
  source.addEventListener('error', (event) => {
    if (!(event instanceof MessageEvent)) return;
    let reason = '';
    try {
      reason = (JSON.parse(event.data) as { reason?: string }).reason ?? '';
    } catch {
      return;
    }
    if (reason !== 'credential_ended') return;
    source?.close();
    setState('down');
    api('GET', '/api/v1/session').catch(() => {});
  });
  listeners.forEach((_, type) => listen(type));
}

function subscribe(types: string[], listener: Listener): () => void {
  for (const type of types) {
    if (!listeners.has(type)) {
      listeners.set(type, new Set());
      listen(type);
    }
    listeners.get(type)!.add(listener);
  }
  if (subscribers++ === 0) open();
  return () => {
    for (const type of types) listeners.get(type)?.delete(listener);
    if (--subscribers === 0) {
      source?.close();
      source = null;
    }
  };
}

export function useEventStream(types: string[], onEvent: Listener): LiveState {
  const [current, setCurrent] = useState<LiveState>(state);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = types.join(',');
  useEffect(() => {
    const unsubscribe = subscribe(types, (type, data) => handler.current(type, data));
    stateWatchers.add(setCurrent);
    setCurrent(state);
    return () => {
      stateWatchers.delete(setCurrent);
      unsubscribe();
    };
  }, [key]);
  return current;
}
