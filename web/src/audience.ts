// A report's audience as a form holds it, and as the API takes it. Pure:
// no view, no request (the fields are components/audience.tsx).
export interface AudienceDraft {
  everyone: boolean;
  sectors: string[];
  ceptoars: string[];
  groups: string[];
  organizations: string[];
}

export const noAudience: AudienceDraft = { everyone: false, sectors: [], ceptoars: [], groups: [], organizations: [] };

// The audience as the API takes it: only what is chosen.
export function audienceBody(a: AudienceDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (a.everyone) body.everyone = true;
  for (const key of ['sectors', 'ceptoars', 'groups', 'organizations'] as const) if (a[key].length) body[key] = a[key];
  return body;
}

// What of `a` TLP `tlp` allows (the rest dropped), for when the TLP changes.
export function fitAudience(a: AudienceDraft, tlp: string): AudienceDraft {
  const everyone = a.everyone && (tlp === 'clear' || tlp === 'green');
  if (tlp === 'amber+strict' || tlp === 'red') return { ...noAudience, organizations: a.organizations };
  return { ...a, everyone };
}

// The audience of a stored report, as a draft (fields it lacks are empty).
export function audienceDraftOf(a: Partial<AudienceDraft> | undefined): AudienceDraft {
  return { ...noAudience, ...(a ?? {}) };
}
