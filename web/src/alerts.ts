// Hotline alerts as the API answers them (Alert in /api/v1/openapi.json):
// the head, the recipient rows the caller may see (its own; every row for
// the raiser and NISC, with a summary), and what the pages read off them.
import { api } from './api';
import type { Translate } from './i18n';

export interface RecipientRow {
  organization: string;
  reason: string;
  must_acknowledge: boolean;
  deadline?: string | null;
  state: string;
  queued_at: string;
  delivered_at?: string | null;
  acknowledged_at?: string | null;
  escalated_at?: string | null;
  acknowledged_by: string;
}

export interface Alert {
  id: string;
  kind: string;
  report_id: string;
  level: number;
  title: string;
  message: string;
  raised_by_organization: string;
  raised_by_principal: string;
  ack_minutes: number;
  created_at: string;
  recipients: RecipientRow[];
  summary?: Record<string, number>;
}

export interface AlertPage {
  items: Alert[];
  next_cursor?: string;
}

export const alertEvents = ['alert.raised', 'alert.acknowledged', 'alert.escalated', 'alert.recipient_added'];

// The caller's own row that still waits for its acknowledgement.
export function waitingRow(alert: Alert, organization: string): RecipientRow | undefined {
  return alert.recipients.find(
    (r) => r.organization === organization && r.must_acknowledge && r.state !== 'acknowledged',
  );
}

export function listAlerts(): Promise<AlertPage> {
  return api<AlertPage>('GET', '/api/v1/alerts?limit=100');
}

// The alert an event is about, as the caller may see it now.
export function alertIdOf(data: unknown): string | undefined {
  return (data as { alert?: { id?: string } }).alert?.id;
}

// An alert's title in the chosen language: a response alert's title is
// made by the server from the report's level (in English), so the page
// says it from the level instead; a person's title is shown as written.
export function alertTitle(alert: Alert, t: Translate): string {
  return alert.kind === 'response' && alert.level >= 0 ? t('alert.responseTitle', { level: alert.level }) : alert.title;
}
