// The event stream (GET /api/v1/stream, Server-Sent Events) in the
// browser's own EventSource, which sends the session cookie and resumes
// with Last-Event-ID by itself after a dropped connection. One hook: the
// page names the event types it wants and gets each event's data parsed.
import { useEffect, useRef, useState } from 'preact/hooks';

export type LiveState = 'connecting' | 'live' | 'down';

export function useEventStream(types: string[], onEvent: (type: string, data: unknown) => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = types.join(',');
  useEffect(() => {
    const source = new EventSource('/api/v1/stream');
    source.onopen = () => setState('live');
    // A closed source (refused, session ended) does not retry; one that
    // is reconnecting does, and says so by its readyState.
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'down' : 'connecting');
    const listeners = types.map((type) => {
      const listener = (event: MessageEvent) => {
        try {
          handler.current(type, JSON.parse(event.data));
        } catch {
          // an event this page cannot read is not its to show
        }
      };
      source.addEventListener(type, listener);
      return listener;
    });
    return () => {
      types.forEach((type, i) => source.removeEventListener(type, listeners[i]));
      source.close();
    };
  }, [key]);
  return state;
}
