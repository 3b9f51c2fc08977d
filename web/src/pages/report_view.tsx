// A report as the caller may see it: its content, the assessment (automatic
// and an analyst's review, with reasons and justification), the delivery
// trail, every revision, and the alerts about it; and what the caller's role
// allows here — relay (the secretariat or agency it goes through), confirm
// or override the severity (analysts), revise (the submitter).
import { useEffect, useState } from 'preact/hooks';
import { api, type Identity, type Items, type Problem } from '../api';
import { audienceBody, audienceDraftOf } from '../audience';
import { alertTitle, listAlerts, type Alert } from '../alerts';
import { AudienceFields, type Named } from '../components/audience';
import { OneOf } from '../components/choices';
import { ImpactFields } from '../components/impact_fields';
import { Field, FormAlert, Notice, useFieldErrors, useSubmit } from '../components/form';
import { RaiseAlert } from '../components/raise_alert';
import { Reasons } from '../components/reasons';
import { Time } from '../components/time';
import { errorText, problemOf } from '../errors';
import { localName, useI18n, type MessageKey } from '../i18n';
import { useEventStream } from '../live';
import { useOrganizationNames } from '../organizations';
import { levelOf, revisionNote, shownText, type Report, type Revision } from '../reports';
import { useSectors } from '../sectors';
import { factsDraftOf, revisedFacts } from './report_form';

export function ReportView({ identity, id }: { identity: Identity; id: string }) {
  const { t, lang } = useI18n();
  const [report, setReport] = useState<Report | null>(null);
  const [revisions, setRevisions] = useState<Revision[]>([]);
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    const path = `/api/v1/reports/${encodeURIComponent(id)}`;
    Promise.all([api<Report>('GET', path), api<{ items: Revision[] }>('GET', `${path}/revisions`)])
      .then(([r, v]) => {
        setReport(r);
        setRevisions(v.items);
        setProblem(null);
      })
      .catch((error) => setProblem(problemOf(error)));
    listAlerts()
      .then((page) => setAlerts(page.items.filter((a) => a.report_id === id)))
      .catch(() => {});
  }, [id, version]);
  useEventStream(['report.updated', 'report.relayed'], (_type, data) => {
    if ((data as { report?: { id?: string } }).report?.id === id) setVersion((v) => v + 1);
  });

  const sectors = useSectors();
  const names = useOrganizationNames(
    report
      ? [report.submitter_organization ?? '', report.relay_organization ?? '', ...report.deliveries.map((d) => d.organization),
         report.assessment?.review?.by_organization ?? '', ...revisions.map((r) => r.author_organization ?? '')]
      : [],
  );
  const nameOf = (org: string | undefined) => {
    if (!org) return t('situation.hidden');
    const n = names.get(org);
    return n ? localName(n, lang) : org;
  };

  if (problem) return <FormAlert problem={problem} />;
  if (!report) return <p aria-busy="true">{t('app.loading')}</p>;

  const roles = identity.principal.roles;
  const org = identity.principal.organization;
  const canRelay = roles.includes('relay') && report.relay_organization === org && !report.released;
  const canReview = roles.includes('analyst') && report.assessment !== undefined;
  const canRevise = roles.includes('reporter') && report.submitter_organization === org;
  const canAlert = roles.includes('duty_officer') || roles.includes('analyst');
  const sep = lang === 'ja' ? '、' : ', ';
  const level = levelOf(report);

  return (
    <section class="report-view">
      <p class="small"><a href="/situation">{t('view.back')}</a></p>
      <header class="report-head">
        <span class={`level-badge level-${Math.max(level, 0)}`}>
          {level < 0 ? t('situation.unassessed') : t('situation.levelShort', { level })}
        </span>
        <span class="alert-kind">{t(`kind.${report.kind}` as MessageKey)}</span>
        <span class={`tlp tlp-${report.tlp.replace('+', '-')}`}>{t(`tlp.${report.tlp}` as MessageKey)}</span>
        <h1>{shownText(report.title, t)}</h1>
      </header>
      <dl class="facts">
        <dt>{t('situation.source')}</dt>
        <dd data-testid="report-source">{nameOf(report.submitter_organization)}</dd>
        <dt>{t('situation.route')}</dt>
        <dd>
          {t(`route.${report.route}` as MessageKey)}
          {report.relay_organization && ` (${nameOf(report.relay_organization)})`}
          {' · '}
          {report.released ? t('view.released') : t('view.awaitingRelay')}
        </dd>
        <dt>{t('situation.time')}</dt>
        <dd><Time iso={report.created_at} /></dd>
        <dt>{t('view.updated')}</dt>
        <dd><Time iso={report.updated_at} /> ({t('view.revision', { n: report.revision })})</dd>
        {report.sectors.length > 0 && (
          <>
            <dt>{t('report.sectors')}</dt>
            <dd>
              {report.sectors
                .map((id) => sectors.find((s) => s.id === id))
                .map((s, i) => (s ? localName(s, lang) : report.sectors[i]))
                .join(sep)}
            </dd>
          </>
        )}
        {report.services.length > 0 && (
          <>
            <dt>{t('report.services')}</dt>
            <dd>{shownText(report.services.join(sep), t)}</dd>
          </>
        )}
        {report.systems.length > 0 && (
          <>
            <dt>{t('report.systems')}</dt>
            <dd>{report.systems.map((s) => t(`system.${s}` as MessageKey)).join(sep)}</dd>
          </>
        )}
      </dl>
      {report.text && <p class="report-text">{shownText(report.text, t)}</p>}
      {report.indicators.length > 0 && (
        <>
          <h2>{t('report.indicators')}</h2>
          <ul class="indicators">
            {report.indicators.map((i, n) => (
              <li key={n}><code>{i.type}</code> <code>{i.value}</code></li>
            ))}
          </ul>
        </>
      )}

      <h2>{t('view.assessment')}</h2>
      {report.assessment ? (
        <>
          <p>
            {t('preview.levelOf', { level: report.assessment.level, name: report.assessment.automatic.level_name[lang] })}
          </p>
          <Reasons rules={report.assessment.automatic.fired_rules} />
          {report.assessment.review && (
            <p class="review" data-testid="review">
              {t(`view.review.${report.assessment.review.action}` as MessageKey, {
                level: report.assessment.review.level,
                org: nameOf(report.assessment.review.by_organization),
              })}{' '}
              <Time iso={report.assessment.review.at} />
              <br />
              {t('view.justification')}: {report.assessment.review.justification}
            </p>
          )}
        </>
      ) : (
        <p class="muted">{t('view.noAssessment')}</p>
      )}

      {canRelay && <RelayForm report={report} onDone={() => setVersion((v) => v + 1)} />}
      {canReview && <ReviewForm report={report} onDone={() => setVersion((v) => v + 1)} />}
      {canRevise && <ReviseForm report={report} onDone={() => setVersion((v) => v + 1)} />}

      <h2>{t('view.trail')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('hotline.recipient')}</th>
            <th scope="col">{t('view.why')}</th>
            <th scope="col">{t('view.at')}</th>
          </tr>
        </thead>
        <tbody>
          {report.deliveries.map((d) => (
            <tr key={`${d.organization}-${d.role}`}>
              <td>{nameOf(d.organization)}</td>
              <td>{t(`deliveryRole.${d.role}` as MessageKey)}</td>
              <td><Time iso={d.at} /></td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t('view.revisions')}</h2>
      <ol class="revisions">
        {revisions.map((r) => (
          <li key={r.number}>
            <strong>{t('view.revision', { n: r.number })}</strong> <Time iso={r.at} /> · {nameOf(r.author_organization)}
            {r.note && <> · {revisionNote(r.note, t)}</>}
            <div class="small">{shownText(r.content.title, t)}</div>
          </li>
        ))}
      </ol>

      <h2>{t('view.alerts')}</h2>
      {canAlert && <RaiseAlert reportId={report.id} onRaised={() => setVersion((v) => v + 1)} />}
      {alerts.length === 0 ? (
        <p class="muted">{t('view.noAlerts')}</p>
      ) : (
        <ul>
          {alerts.map((a) => (
            <li key={a.id}>
              <a href="/hotline">{alertTitle(a, t)}</a> <span class="small muted"><Time iso={a.created_at} /></span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function RelayForm({ report, onDone }: { report: Report; onDone: () => void }) {
  const { t } = useI18n();
  const sectors = useSectors();
  const [ceptoars, setCeptoars] = useState<Named[]>([]);
  const [anonymized, setAnonymized] = useState(report.anonymized);
  const [audience, setAudience] = useState(() => audienceDraftOf(report.audience));
  const [note, setNote] = useState('');
  useEffect(() => {
    api<Items<Named>>('GET', '/api/v1/registry/ceptoars')
      .then((c) => setCeptoars(c.items))
      .catch(() => {});
  }, []);
  // TLP:RED is never relayed onward: its audience stays as the source chose.
  const widenable = report.tlp !== 'red';
  const { problem, submit } = useSubmit(async () => {
    const body: Record<string, unknown> = { anonymized, note };
    const chosen = audienceBody(audience);
    if (widenable && JSON.stringify(chosen) !== JSON.stringify(audienceBody(audienceDraftOf(report.audience))))
      body.audience = chosen;
    await api('POST', `/api/v1/reports/${encodeURIComponent(report.id)}/relay`, body);
    onDone();
  });
  const { fieldError, formProblem } = useFieldErrors(problem, ['audience', 'note']);
  return (
    <form class="action-box" onSubmit={submit} noValidate>
      <h2>{t('view.relay')}</h2>
      <p class="help">{t('view.relayHelp')}</p>
      <FormAlert problem={formProblem} />
      <label class="option">
        <input type="checkbox" checked={anonymized} disabled={report.anonymized}
          onChange={(e) => setAnonymized((e.currentTarget as HTMLInputElement).checked)} />
        <span>{t('report.anonymized')}</span>
      </label>
      {widenable && (
        <AudienceFields id="relay-audience" value={audience} onChange={setAudience} tlp={report.tlp}
          sectors={sectors} ceptoars={ceptoars} error={fieldError('audience')} />
      )}
      {anonymized && <AsOthersSee report={report} />}
      <Field id="relay-note" label={t('view.note')} value={note} onInput={setNote} error={fieldError('note')} />
      <button type="submit" class="primary">{t('view.relayButton')}</button>
    </form>
  );
}

// What the audience will read once the report is relayed with its source
// hidden, as the server scrubs it (GET …/as-others-see?anonymized=true).
function AsOthersSee({ report }: { report: Report }) {
  const { t } = useI18n();
  const [shown, setShown] = useState<Report | null>(null);
  useEffect(() => {
    api<Report>('GET', `/api/v1/reports/${encodeURIComponent(report.id)}/as-others-see?anonymized=true`)
      .then(setShown)
      .catch(() => setShown(null));
  }, [report.id, report.revision]);
  if (!shown) return null;
  return (
    <>
      <h3>{t('preview.asOthersSee')}</h3>
      <div class="as-others-see" data-testid="as-others-see">
        <p><strong>{shownText(shown.title, t)}</strong></p>
        {shown.text && <p class="small">{shownText(shown.text, t)}</p>}
      </div>
    </>
  );
}

function ReviewForm({ report, onDone }: { report: Report; onDone: () => void }) {
  const { t } = useI18n();
  const [action, setAction] = useState('confirm');
  const [level, setLevel] = useState(String(report.assessment?.level ?? 0));
  const [justification, setJustification] = useState('');
  const [done, setDone] = useState(false);
  const { problem, submit } = useSubmit(async () => {
    const body: Record<string, unknown> = { action, justification };
    if (action === 'override') body.level = Number(level);
    await api('POST', `/api/v1/reports/${encodeURIComponent(report.id)}/assessment`, body);
    setDone(true);
    setJustification('');
    onDone();
  });
  const { fieldError, formProblem } = useFieldErrors(problem, ['justification', 'level']);
  return (
    <form class="action-box" onSubmit={submit} noValidate>
      <h2>{t('view.review')}</h2>
      {done && <Notice>{t('view.reviewed')}</Notice>}
      <FormAlert problem={formProblem} />
      <OneOf name="review-action" legend={t('view.reviewAction')} inline value={action} onChange={setAction}
        options={['confirm', 'override'].map((a) => ({ value: a, label: t(`view.action.${a}` as MessageKey) }))} />
      {action === 'override' && (
        <Field id="level" type="number" min={0} max={5} label={t('situation.level')} value={level} onInput={setLevel}
          error={fieldError('level')} />
      )}
      <Field id="justification" label={t('view.justification')} value={justification} onInput={setJustification}
        multiline required error={fieldError('justification')} />
      <button type="submit" class="primary">{t('view.reviewButton')}</button>
    </form>
  );
}

function ReviseForm({ report, onDone }: { report: Report; onDone: () => void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(report.title);
  const [text, setText] = useState(report.text);
  const [facts, setFacts] = useState(() => factsDraftOf(report.facts));
  const [note, setNote] = useState('');
  const { problem, submit } = useSubmit(async () => {
    const body: Record<string, unknown> = { note };
    if (title !== report.title) body.title = title;
    if (text !== report.text) body.text = text;
    const revised = revisedFacts(report.facts, facts, report.systems);
    if (JSON.stringify(revised) !== JSON.stringify(report.facts ?? {})) body.facts = revised;
    await api('PATCH', `/api/v1/reports/${encodeURIComponent(report.id)}`, body);
    setNote('');
    onDone();
  });
  const { fieldError, formProblem } = useFieldErrors(problem, ['title', 'text', 'note']);
  // A server error on a fact is shown beside it.
  const factError = (home: string) =>
    problem?.field === home || problem?.field?.startsWith(`${home}[`) ? errorText(problem, t) : undefined;
  const factProblem = formProblem && problem?.field?.startsWith('facts.') ? null : formProblem;
  return (
    <details class="action-box">
      <summary>{t('view.revise')}</summary>
      <form onSubmit={submit} noValidate>
        <p class="help">{t('view.reviseHelp')}</p>
        <FormAlert problem={factProblem} />
        <Field id="revise-title" label={t('report.titleField')} value={title} onInput={setTitle} error={fieldError('title')} />
        <Field id="revise-text" label={t('report.text')} value={text} onInput={setText} multiline error={fieldError('text')} />
        <ImpactFields facts={facts} onChange={setFacts} errorAt={factError} />
        <Field id="revise-note" label={t('view.note')} value={note} onInput={setNote} error={fieldError('note')} />
        <button type="submit" class="primary">{t('view.reviseButton')}</button>
      </form>
    </details>
  );
}
