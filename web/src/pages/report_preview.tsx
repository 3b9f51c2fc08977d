// The report form's check panel: what sending the form would do, as the
// server's preview answered it (POST /api/v1/reports/preview).
import type { Problem } from '../api';
import { Reasons, type FiredRule } from '../components/reasons';
import { errorText } from '../errors';
import { localName, useI18n, type MessageKey } from '../i18n';
import { shownText } from '../reports';

interface Brief {
  id: string;
  name_ja: string;
  name_en: string;
  kind: string;
}
interface PlanAction {
  channel: string;
  deadline_minutes: number;
  notify: { organization: string }[];
  acknowledge: string[];
  meaning: string;
  meaning_ja?: string;
}
export interface SubmissionPreview {
  assessment: {
    level: number;
    automatic: {
      level_name: { ja: string; en: string };
      fired_rules: FiredRule[];
      could_change_level: string[];
    };
    response_plan: { actions: PlanAction[] };
  } | null;
  names: Record<string, { name_ja: string; name_en: string }>;
  released_at_submit: boolean;
  source_hidden: boolean;
  recipients: (Brief & { role: string; when: 'submit' | 'relay' })[];
  audience: { count: number; organizations: Brief[] };
  // The report as the audience would be shown it (the source scrubbed).
  as_others_see: { title: string; text?: string; services?: string[] };
}

const audienceShown = 8;

export function PreviewPanel(props: { preview: SubmissionPreview | null; problem: Problem | null; busy: boolean }) {
  const { t, lang } = useI18n();
  const { preview, problem } = props;
  const meaning = (x: { meaning: string; meaning_ja?: string }) => (lang === 'ja' && x.meaning_ja ? x.meaning_ja : x.meaning);
  const nameOf = (id: string) => {
    const n = preview?.names[id];
    return n ? localName(n, lang) : id;
  };
  const sep = lang === 'ja' ? '、' : ', ';

  return (
    <aside class="report-preview" aria-labelledby="preview-title" aria-busy={props.busy ? 'true' : 'false'}>
      <h2 id="preview-title">{t('preview.title')}</h2>
      <div aria-live="polite">
        {props.busy && <p class="muted small">{t('preview.updating')}</p>}
        {problem && !preview && <p class="muted">{t('preview.incomplete')}</p>}
        {problem && preview && <p class="muted small">{errorText(problem, t)}</p>}
        {preview && (
          <>
            <h3>{t('preview.level')}</h3>
            {preview.assessment ? (
              <>
                <p class={`level level-${preview.assessment.level}`} data-testid="preview-level">
                  {t('preview.levelOf', {
                    level: preview.assessment.level,
                    name: preview.assessment.automatic.level_name[lang],
                  })}
                </p>
                <h4>{t('preview.reasons')}</h4>
                <Reasons rules={preview.assessment.automatic.fired_rules} />
                {preview.assessment.automatic.could_change_level.length > 0 && (
                  <p class="help">
                    {t('preview.couldChange', { n: preview.assessment.automatic.could_change_level.length })}
                  </p>
                )}
                <h4>{t('preview.plan')}</h4>
                <ul class="plan">
                  {preview.assessment.response_plan.actions.map((a, i) => (
                    <li key={i}>
                      <strong>{t(`channel.${a.channel}` as MessageKey)}</strong>{' '}
                      <span class="muted">{t('preview.deadline', { minutes: a.deadline_minutes })}</span>
                      <div>{meaning(a)}</div>
                      <div class="small">{a.notify.map((n) => nameOf(n.organization)).join(sep)}</div>
                      {a.acknowledge.length > 0 && (
                        <div class="small">{t('preview.mustAck', { names: a.acknowledge.map(nameOf).join(sep) })}</div>
                      )}
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <p class="muted">{t('preview.noFacts')}</p>
            )}

            <h3>{t('preview.recipients')}</h3>
            {preview.source_hidden && (
              <>
                <p class="notice-inline">{t('preview.sourceHidden')}</p>
                <h4>{t('preview.asOthersSee')}</h4>
                <div class="as-others-see" data-testid="as-others-see">
                  <p><strong>{shownText(preview.as_others_see.title, t)}</strong></p>
                  {preview.as_others_see.text && <p class="small">{shownText(preview.as_others_see.text, t)}</p>}
                  {(preview.as_others_see.services ?? []).length > 0 && (
                    <p class="small muted">
                      {(preview.as_others_see.services ?? []).map((x) => shownText(x, t)).join(sep)}
                    </p>
                  )}
                </div>
              </>
            )}
            <ul class="recipients" data-testid="preview-recipients">
              {preview.recipients.map((r) => (
                <li key={`${r.id}-${r.when}`}>
                  {localName(r, lang)}{' '}
                  <span class="muted small">
                    ({t(`deliveryRole.${r.role}` as MessageKey)} · {t(r.when === 'submit' ? 'preview.atSubmit' : 'preview.atRelay')})
                  </span>
                </li>
              ))}
            </ul>
            {preview.audience.count > 0 ? (
              <>
                <p>{t('preview.audience', { count: preview.audience.count })}</p>
                <p class="small">
                  {preview.audience.organizations.slice(0, audienceShown).map((o) => localName(o, lang)).join(sep)}
                  {preview.audience.count > audienceShown &&
                    ` ${t('preview.audienceMore', { n: preview.audience.count - audienceShown })}`}
                </p>
              </>
            ) : (
              <p class="muted">{t('preview.audienceNone')}</p>
            )}
          </>
        )}
        {!preview && !problem && <p class="muted">{t('preview.incomplete')}</p>}
      </div>
    </aside>
  );
}
