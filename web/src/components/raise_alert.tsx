// Raising a hotline alert (duty officers and analysts): kind, title,
// message, the sectors or everyone it goes to, the acknowledgement deadline;
// about a report when `reportId` is given (its page). Used by the hotline
// and the report page.
import { useEffect, useState } from 'preact/hooks';
import { api, type Items, type Problem } from '../api';
import type { Alert } from '../alerts';
import { localName, useI18n, type MessageKey } from '../i18n';
import { problemOf } from '../errors';
import { AnyOf, OneOf } from './choices';
import { Field, FormAlert, Notice, useFieldErrors } from './form';

interface Named {
  id: string;
  name_ja: string;
  name_en: string;
}

export function RaiseAlert({ onRaised, reportId }: { onRaised: (alert: Alert) => void; reportId?: string }) {
  const { t, lang } = useI18n();
  const [kind, setKind] = useState('early_warning');
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState('');
  const [everyone, setEveryone] = useState(false);
  const [sectors, setSectors] = useState<string[]>([]);
  const [ackMinutes, setAckMinutes] = useState('30');
  const [allSectors, setAllSectors] = useState<Named[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState(false);
  const { fieldError, formProblem } = useFieldErrors(problem, ['title', 'message', 'ack_minutes']);

  useEffect(() => {
    api<Items<Named>>('GET', '/api/v1/registry/sectors').then((s) => setAllSectors(s.items)).catch(() => {});
  }, []);

  async function submit(event: Event) {
    event.preventDefault();
    setProblem(null);
    setDone(false);
    try {
      const recipients: Record<string, unknown> = {};
      if (everyone) recipients.everyone = true;
      if (sectors.length) recipients.sectors = sectors;
      const created = await api<{ id: string }>('POST', '/api/v1/alerts', {
        kind, title, message, recipients, ack_minutes: Number(ackMinutes), ...(reportId ? { report_id: reportId } : {}),
      });
      onRaised(await api<Alert>('GET', `/api/v1/alerts/${encodeURIComponent(created.id)}`));
      setTitle('');
      setMessage('');
      setDone(true);
    } catch (error) {
      setProblem(problemOf(error));
    }
  }

  return (
    <details class="raise">
      <summary>{reportId ? t('hotline.raiseAbout') : t('hotline.raise')}</summary>
      {done && <Notice>{t('hotline.raised')}</Notice>}
      <FormAlert problem={formProblem} />
      <form onSubmit={submit} noValidate>
        <OneOf name="alert-kind" legend={t('hotline.kind')} inline value={kind} onChange={setKind}
          options={['early_warning', 'recovery_method', 'notice'].map((k) => ({ value: k, label: t(`alertKind.${k}` as MessageKey) }))} />
        <Field id="title" label={t('hotline.alertTitle')} value={title} onInput={setTitle} required error={fieldError('title')} />
        <Field id="message" label={t('hotline.message')} value={message} onInput={setMessage} multiline error={fieldError('message')} />
        <label class="option">
          <input type="checkbox" checked={everyone} onChange={(e) => setEveryone((e.currentTarget as HTMLInputElement).checked)} />
          <span>{t('audience.everyone')}</span>
        </label>
        <AnyOf name="alert-sectors" legend={t('hotline.toSectors')} inline values={sectors} onChange={setSectors}
          options={allSectors.map((s) => ({ value: s.id, label: localName(s, lang) }))} />
        <Field id="ack_minutes" type="number" min={1} label={t('hotline.ackMinutes')} value={ackMinutes}
          onInput={setAckMinutes} error={fieldError('ack_minutes')} />
        <button type="submit" class="primary">{t('hotline.send')}</button>
      </form>
    </details>
  );
}
