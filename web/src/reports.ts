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

export interface ReportPage {
  items: ReportSummary[];
  next_cursor?: string;
}

// The level in force, or -1 for a report without impact facts.
export function levelOf(report: ReportSummary): number {
  return report.assessment?.level ?? -1;
}

export const levels = [0, 1, 2, 3, 4, 5] as const;
