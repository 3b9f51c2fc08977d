// 報告: the report form. While it is filled in, the check panel shows what
// sending it would do — the expected severity with its reasons, the
// response it triggers and who receives it — from POST
// /api/v1/reports/preview (the same code as the submission, storing
// nothing). The draft is kept in this browser until it is sent or the
// person signs out. A server error appears beside the field it names.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, type Identity, type Items, type Problem } from '../api';
import { fitAudience } from '../audience';
import { AudienceFields } from '../components/audience';
import { AnyOf, OneOf, type Option } from '../components/choices';
import { Field, FormAlert, Notice } from '../components/form';
import { clearDraft, loadDraft, saveDraft } from '../drafts';
import { errorText, problemOf } from '../errors';
import { localName, useI18n, type MessageKey } from '../i18n';
import {
  emptyDraft,
  indicatorTypes,
  reportKinds,
  routes,
  submissionOf,
  systemKinds,
  tlps,
  type ReportDraft,
} from './report_form';
import { PreviewPanel, type SubmissionPreview } from './report_preview';
import { ImpactFields } from '../components/impact_fields';

interface Named {
  id: string;
  name_ja: string;
  name_en: string;
}
interface Ceptoar extends Named {
  sector: string;
}
interface Choices {
  sectors: Named[];
  ceptoars: Ceptoar[];
  agencies: Named[];
}

const draftName = 'report';
const previewDelayMs = 400;

// Where the server's error for `field` goes: the first of these form parts
// whose server path starts the error's field.
const fieldHomes = [
  'kind', 'title', 'text', 'sectors', 'services', 'systems', 'facts.service.state', 'facts.service.lost_percent',
  'facts.outage.elapsed_minutes', 'facts.outage.expected_minutes', 'facts.affected.people',
  'facts.affected.prefectures', 'facts.systems.normal', 'facts.systems.backup', 'facts.safety.injuries',
  'facts.safety.deaths', 'facts.safety.evacuation', 'facts.attack.status', 'facts.data.kind', 'indicators', 'tlp',
  'audience', 'route', 'ceptoar', 'agency', 'anonymized',
];
function homeOf(field: string | undefined): string | undefined {
  if (!field) return undefined;
  return fieldHomes.find((h) => field === h || field.startsWith(`${h}.`) || field.startsWith(`${h}[`));
}

// A draft kept by an earlier version of this form lacks what was added
// since: the empty draft's values fill it.
function withDefaults(saved: Partial<ReportDraft> | null, empty: ReportDraft): ReportDraft {
  return saved ? { ...empty, ...saved } : empty;
}

export function ReportNew({ identity }: { identity: Identity }) {
  const { t, lang } = useI18n();
  const principal = identity.principal.id;
  const [draft, setDraft] = useState<ReportDraft>(
    () => withDefaults(loadDraft<Partial<ReportDraft>>(draftName, principal), emptyDraft(identity.organization)),
  );
  const [choices, setChoices] = useState<Choices | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [preview, setPreview] = useState<SubmissionPreview | null>(null);
  const [previewProblem, setPreviewProblem] = useState<Problem | null>(null);
  const [previewBusy, setPreviewBusy] = useState(false);
  const previewSeq = useRef(0);

  useEffect(() => {
    Promise.all([
      api<Items<Named>>('GET', '/api/v1/registry/sectors'),
      api<Items<Ceptoar>>('GET', '/api/v1/registry/ceptoars'),
      api<Items<Named>>('GET', '/api/v1/registry/organizations?kind=security_agency'),
    ])
      .then(([s, c, a]) => setChoices({ sectors: s.items, ceptoars: c.items, agencies: a.items }))
      .catch((error) => setProblem(problemOf(error)));
  }, []);

  // Kept as typed; and the check panel asked again once typing pauses.
  const body = useMemo(() => submissionOf(draft), [draft]);
  useEffect(() => {
    saveDraft(draftName, principal, draft);
    const seq = ++previewSeq.current;
    setPreviewBusy(true);
    const timer = setTimeout(() => {
      api<SubmissionPreview>('POST', '/api/v1/reports/preview', body)
        .then((answer) => {
          if (seq !== previewSeq.current) return;
          setPreview(answer);
          setPreviewProblem(null);
        })
        .catch((error) => {
          if (seq !== previewSeq.current) return;
          setPreviewProblem(problemOf(error));
        })
        .finally(() => seq === previewSeq.current && setPreviewBusy(false));
    }, previewDelayMs);
    return () => clearTimeout(timer);
  }, [body]);

  const update = (change: Partial<ReportDraft>) => {
    setSent(null);
    setDraft((d) => ({ ...d, ...change }));
  };
  const errorAt = (home: string) => (problem && homeOf(problem.field) === home ? errorText(problem, t) : undefined);
  const formProblem = problem && !homeOf(problem.field) ? problem : null;

  async function submit(event: Event) {
    event.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      const report = await api<{ id: string; assessment?: { level: number } }>('POST', '/api/v1/reports', body);
      clearDraft(draftName, principal);
      setDraft(emptyDraft(identity.organization));
      setSent(
        report.assessment
          ? t('report.sent', { id: report.id, level: report.assessment.level })
          : t('report.sentNoLevel', { id: report.id }),
      );
      window.scrollTo(0, 0);
    } catch (error) {
      const p = problemOf(error);
      setProblem(p);
      const home = homeOf(p.field);
      if (home) document.getElementById(home)?.focus();
    } finally {
      setBusy(false);
    }
  }

  function discard() {
    clearDraft(draftName, principal);
    setDraft(emptyDraft(identity.organization));
    setProblem(null);
  }

  const options = (keys: readonly string[], prefix: string, withHelp?: string): Option[] =>
    keys.map((k) => ({
      value: k,
      label: t(`${prefix}.${k}` as MessageKey),
      help: withHelp ? t(`${withHelp}.${k}` as MessageKey) : undefined,
    }));
  const named = (list: Named[]) => list.map((n) => ({ value: n.id, label: localName(n, lang) }));
  const myCeptoars = (choices?.ceptoars ?? []).filter((c) => identity.organization?.ceptoars.includes(c.id));

  return (
    <div class="report-layout">
      <section class="report-form">
        <h1>{t('report.title')}</h1>
        <p class="help">{t('report.lead')}</p>
        {sent && <Notice>{sent}</Notice>}
        <FormAlert problem={formProblem} />
        <form onSubmit={submit} noValidate>
          <OneOf
            name="kind"
            legend={t('report.kind')}
            options={options(reportKinds, 'kind', 'kindHelp')}
            value={draft.kind}
            onChange={(kind) => update({ kind })}
            error={errorAt('kind')}
          />
          <Field id="title" label={t('report.titleField')} value={draft.title} onInput={(title) => update({ title })}
            required error={errorAt('title')} />
          <Field id="text" label={t('report.text')} value={draft.text} onInput={(text) => update({ text })}
            multiline help={t('report.textHelp')} error={errorAt('text')} />
          <AnyOf name="sectors" legend={t('report.sectors')} inline options={named(choices?.sectors ?? [])}
            values={draft.sectors} onChange={(sectors) => update({ sectors })} error={errorAt('sectors')} />
          <Field id="services" label={t('report.services')} value={draft.services}
            onInput={(services) => update({ services })} help={t('report.servicesHelp')} error={errorAt('services')} />
          <AnyOf name="systems" legend={t('report.systems')} inline options={options(systemKinds, 'system')}
            values={draft.systems} onChange={(systems) => update({ systems })} error={errorAt('systems')} />

          <ImpactFields facts={draft.facts} onChange={(facts) => setDraft((d) => ({ ...d, facts }))} errorAt={errorAt} />

          <Indicators draft={draft} update={update} error={errorAt('indicators')} />

          <OneOf name="tlp" legend={t('report.tlp')} options={options(tlps, 'tlp', 'tlpHelp')} value={draft.tlp}
            onChange={(tlp) => update({ tlp, audience: fitAudience(draft.audience, tlp) })}
            error={errorAt('tlp')} />
          <AudienceFields id="audience" value={draft.audience} onChange={(audience) => update({ audience })}
            tlp={draft.tlp} sectors={choices?.sectors ?? []} ceptoars={choices?.ceptoars ?? []}
            error={errorAt('audience')} />

          <OneOf name="route" legend={t('report.route')} options={options(routes, 'route', 'routeHelp')}
            value={draft.route}
            onChange={(route) => update({ route, anonymized: route === 'direct' ? false : draft.anonymized })}
            error={errorAt('route')}>
            {draft.route === 'via_ceptoar' && myCeptoars.length > 1 && (
              <OneOf name="ceptoar" legend={t('report.ceptoar')} inline options={named(myCeptoars)}
                value={draft.ceptoar} onChange={(ceptoar) => update({ ceptoar })} error={errorAt('ceptoar')} />
            )}
            {draft.route === 'via_agency' && (
              <OneOf name="agency" legend={t('report.agency')} inline options={named(choices?.agencies ?? [])}
                value={draft.agency} onChange={(agency) => update({ agency })} error={errorAt('agency')} />
            )}
          </OneOf>
          <div class={`single-choice${errorAt('anonymized') ? ' field-invalid' : ''}`}>
            <label class={draft.route === 'direct' ? 'option disabled' : 'option'}>
              <input id="anonymized" type="checkbox" checked={draft.anonymized} disabled={draft.route === 'direct'}
                aria-describedby="anonymized-help"
                onChange={(e) => update({ anonymized: (e.currentTarget as HTMLInputElement).checked })} />
              <span>{t('report.anonymized')}</span>
            </label>
            <p class="help" id="anonymized-help">{t('report.anonymizedHelp')}</p>
            {errorAt('anonymized') && <p class="field-error">{errorAt('anonymized')}</p>}
          </div>

          <div class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {busy ? t('report.sending') : t('report.submit')}
            </button>
            <button type="button" class="secondary" onClick={discard}>
              {t('report.discard')}
            </button>
          </div>
        </form>
      </section>
      <PreviewPanel preview={preview} problem={previewProblem} busy={previewBusy} />
    </div>
  );
}

function Indicators(props: { draft: ReportDraft; update: (c: Partial<ReportDraft>) => void; error?: string }) {
  const { t } = useI18n();
  const rows = props.draft.indicators;
  const set = (i: number, change: Partial<{ type: string; value: string }>) =>
    props.update({ indicators: rows.map((r, j) => (j === i ? { ...r, ...change } : r)) });
  return (
    <fieldset class={`group${props.error ? ' field-invalid' : ''}`} id="indicators">
      <legend>{t('report.indicators')}</legend>
      {rows.map((row, i) => (
        <div class="indicator" key={i} role="group" aria-label={t('indicator.row', { n: i + 1 })}>
          <label>
            <span class="sr-only">{t('indicator.type')}</span>
            <select value={row.type} onChange={(e) => set(i, { type: (e.currentTarget as HTMLSelectElement).value })}
              aria-label={`${t('indicator.row', { n: i + 1 })}: ${t('indicator.type')}`}>
              {indicatorTypes.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          </label>
          <input type="text" value={row.value} aria-label={`${t('indicator.row', { n: i + 1 })}: ${t('indicator.value')}`}
            onInput={(e) => set(i, { value: (e.currentTarget as HTMLInputElement).value })} />
          <button type="button" class="secondary" onClick={() => props.update({ indicators: rows.filter((_, j) => j !== i) })}>
            {t('indicator.remove')}
          </button>
        </div>
      ))}
      <button type="button" class="secondary" onClick={() => props.update({ indicators: [...rows, { type: 'ipv4-addr', value: '' }] })}>
        {t('indicator.add')}
      </button>
      {props.error && <p class="field-error">{props.error}</p>}
    </fieldset>
  );
}
