import type { AudienceDraft } from './audience';
import type { FiredRule } from './components/reasons';
import type { Translate } from './i18n';

// Reports as the API answers them (Report in /api/v1/openapi.json), and
// what the pages read off them.
export interface ReportSummary {
  id: string;
  kind: string;
  title: string;
  sectors: string[];
  tlp: string;
  route: string;
  anonymized: boolean;
  submitter_organization?: string;
  released: boolean;
  assessment?: { level: number };
  created_at: string;
  updated_at: string;
}

// One report in full, as the caller may see it.
export interface Report extends ReportSummary {
  text: string;
  audience?: Partial<AudienceDraft>;
  facts?: Record<string, Record<string, unknown>>;
  services: string[];
  systems: string[];
  indicators: { type: string; value: string }[];
  revision: number;
  relay_organization?: string;
  via_ceptoar?: string;
  deliveries: { organization: string; role: string; at: string }[];
  released_at?: string;
  assessment?: {
    level: number;
    automatic: {
      level: number;
      level_name: { ja: string; en: string };
      fired_rules: FiredRule[];
    };
    review?: { action: string; level: number; justification: string; by_organization: string; at: string };
  };
}

export interface Revision {
  number: number;
  content: { title: string; text: string; tlp: string };
  note: string;
  at: string;
  author_organization?: string;
  assessment?: { level: number };
}

// A revision's note in the chosen language: the server writes its own
// notes in English ("submitted", "relayed", "revised", "severity confirm:
// level 3"); a person's note is shown as written.
export function revisionNote(note: string, t: Translate): string {
  if (note === 'submitted' || note === 'relayed' || note === 'revised') return t(`revisionNote.${note}`);
  const review = /^severity (confirm|override): level (\d+)$/.exec(note);
  if (review) return t(`revisionNote.${review[1] as 'confirm' | 'override'}`, { level: review[2] });
  return note;
}

// Text of a report as shown: where the server replaced the hidden source's
// name by its mark "[anonymized]", the page says it in the chosen language.
export function shownText(text: string, t: Translate): string {
  return text.replaceAll('[anonymized]', t('mark.anonymized'));
}

export interface ReportPage {
  items: ReportSummary[];
  next_cursor?: string;
}

// The level in force, or -1 for a report without impact facts.
export function levelOf(report: ReportSummary): number {
  return report.assessment?.level ?? -1;
}

export const levels = [0, 1, 2, 3, 4, 5] as const;
