// The report form's state (what the person has entered, kept as a draft)
// and the submission body the API takes (ReportSubmission in
// /api/v1/openapi.json). Pure: no view, no request.
import type { Organization } from '../api';
import { audienceBody, noAudience, type AudienceDraft } from '../audience';

export interface FactsDraft {
  state: string;
  lostPercent: string;
  elapsedHours: string;
  expectedHours: string;
  people: string;
  prefectures: number[];
  normal: string;
  backup: string;
  injuries: string;
  deaths: string;
  evacuation: string;
  attack: string;
  data: string;
}

export interface IndicatorDraft {
  type: string;
  value: string;
}

export interface ReportDraft {
  kind: string;
  title: string;
  text: string;
  sectors: string[];
  services: string;
  systems: string[];
  facts: FactsDraft;
  indicators: IndicatorDraft[];
  tlp: string;
  audience: AudienceDraft;
  route: string;
  ceptoar: string;
  agency: string;
  anonymized: boolean;
}

export const reportKinds = [
  'service_outage', 'precursor', 'near_miss', 'attack_info', 'early_warning',
  'recovery_method', 'attack_method', 'crime_report', 'coordination_request',
] as const;
export const tlps = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export const routes = ['direct', 'via_ceptoar', 'via_agency'] as const;
export const systemKinds = ['it', 'ot', 'iot'] as const;
export const indicatorTypes = [
  'ipv4-addr', 'ipv6-addr', 'domain-name', 'url', 'email-addr', 'file:hashes.SHA-256', 'file:hashes.SHA-1',
  'file:hashes.MD5', 'file:name', 'autonomous-system', 'vulnerability', 'software', 'user-account',
  'process:name', 'mutex', 'mac-addr', 'windows-registry-key', 'x509-certificate',
] as const;

export function emptyDraft(organization: Organization | null): ReportDraft {
  const sectors = organization?.sectors ?? [];
  const ceptoars = organization?.ceptoars ?? [];
  return {
    kind: '',
    title: '',
    text: '',
    sectors: [...sectors],
    services: '',
    systems: [],
    facts: {
      state: '', lostPercent: '', elapsedHours: '', expectedHours: '', people: '', prefectures: [],
      normal: '', backup: '', injuries: '', deaths: '', evacuation: '', attack: '', data: '',
    },
    indicators: [],
    tlp: 'amber',
    audience: { ...noAudience, sectors: [...sectors] },
    route: ceptoars.length > 0 ? 'via_ceptoar' : 'direct',
    ceptoar: ceptoars.length === 1 ? ceptoars[0] : '',
    agency: '',
    anonymized: false,
  };
}

// A number the person typed, or undefined for empty (a missing fact, never
// zero). What is not a number is sent as typed, for the server to name.
function numberOf(text: string, scale = 1): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? Math.round(n * scale) : t;
}

function prune(object: Record<string, unknown>): Record<string, unknown> | undefined {
  const kept = Object.entries(object).filter(([, v]) => v !== undefined && v !== '');
  return kept.length ? Object.fromEntries(kept) : undefined;
}

export function factsOf(f: FactsDraft, systems: string[]): Record<string, unknown> {
  const yesNo = (v: string) => (v === '' ? undefined : v === 'yes');
  return (
    prune({
      service: prune({ state: f.state || undefined, lost_percent: numberOf(f.lostPercent) }),
      outage: prune({ elapsed_minutes: numberOf(f.elapsedHours, 60), expected_minutes: numberOf(f.expectedHours, 60) }),
      affected: prune({ people: numberOf(f.people), prefectures: f.prefectures.length ? f.prefectures : undefined }),
      systems: prune({
        normal: f.normal || undefined,
        backup: f.backup || undefined,
        kinds: systems.length ? systems : undefined,
      }),
      safety: prune({ injuries: numberOf(f.injuries), deaths: numberOf(f.deaths), evacuation: yesNo(f.evacuation) }),
      attack: prune({ status: f.attack || undefined }),
      data: prune({ kind: f.data || undefined }),
    }) ?? {}
  );
}

export function submissionOf(d: ReportDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: d.kind,
    title: d.title,
    text: d.text,
    sectors: d.sectors,
    services: d.services.split(/[,、，]/).map((s) => s.trim()).filter(Boolean),
    systems: d.systems,
    facts: factsOf(d.facts, d.systems),
    indicators: d.indicators.map((i) => ({ type: i.type, value: i.value.trim() })),
    tlp: d.tlp,
    audience: audienceBody(d.audience ?? noAudience),
    route: d.route,
    anonymized: d.anonymized,
  };
  if (d.route === 'via_ceptoar' && d.ceptoar) body.ceptoar = d.ceptoar;
  if (d.route === 'via_agency' && d.agency) body.agency = d.agency;
  return body;
}

type FactGroups = Record<string, Record<string, unknown>>;

// The facts of a stored report as the form holds them (hours from minutes,
// numbers as text, yes/no from true/false); what the form does not ask is
// left to revisedFacts, which keeps it.
export function factsDraftOf(facts: FactGroups | undefined): FactsDraft {
  const at = (group: string, key: string) => facts?.[group]?.[key];
  const text = (v: unknown, scale = 1) => (typeof v === 'number' ? String(v / scale) : '');
  const name = (v: unknown) => (typeof v === 'string' ? v : '');
  const evacuation = at('safety', 'evacuation');
  const prefectures = at('affected', 'prefectures');
  return {
    state: name(at('service', 'state')),
    lostPercent: text(at('service', 'lost_percent')),
    elapsedHours: text(at('outage', 'elapsed_minutes'), 60),
    expectedHours: text(at('outage', 'expected_minutes'), 60),
    people: text(at('affected', 'people')),
    prefectures: Array.isArray(prefectures) ? prefectures.filter((c): c is number => typeof c === 'number') : [],
    normal: name(at('systems', 'normal')),
    backup: name(at('systems', 'backup')),
    injuries: text(at('safety', 'injuries')),
    deaths: text(at('safety', 'deaths')),
    evacuation: evacuation === true ? 'yes' : evacuation === false ? 'no' : '',
    attack: name(at('attack', 'status')),
    data: name(at('data', 'kind')),
  };
}

// The facts the form asks, by group and key.
const formFacts: [string, string][] = [
  ['service', 'state'], ['service', 'lost_percent'], ['outage', 'elapsed_minutes'], ['outage', 'expected_minutes'],
  ['affected', 'people'], ['affected', 'prefectures'], ['systems', 'normal'], ['systems', 'backup'],
  ['systems', 'kinds'], ['safety', 'injuries'], ['safety', 'deaths'], ['safety', 'evacuation'],
  ['attack', 'status'], ['data', 'kind'],
];

// A stored report's facts with what the form asks replaced by the draft
// (a fact made unknown is removed) and every other fact kept as it was.
export function revisedFacts(original: FactGroups | undefined, f: FactsDraft, systems: string[]): FactGroups {
  const out: FactGroups = {};
  for (const [group, value] of Object.entries(original ?? {}))
    out[group] = value && typeof value === 'object' && !Array.isArray(value) ? { ...value } : value;
  for (const [group, key] of formFacts) if (out[group]) delete out[group][key];
  for (const [group, value] of Object.entries(factsOf(f, systems) as FactGroups))
    out[group] = { ...(out[group] ?? {}), ...value };
  for (const [group, value] of Object.entries(out))
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) delete out[group];
  return out;
}
