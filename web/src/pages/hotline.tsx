// ホットライン: the alerts addressed to the caller's organization, with the
// deadline of its acknowledgement counting down and one click to
// acknowledge (with an optional note); for the raiser and NISC, every
// recipient's state and the acknowledgements over time. Live from the event
// stream. Duty officers and analysts raise alerts here too.
import { useEffect, useState } from 'preact/hooks';
import { api, type Identity, type Problem } from '../api';
import { alertEvents, alertIdOf, alertTitle, listAlerts, waitingRow, type Alert } from '../alerts';
import { FormAlert } from '../components/form';
import { RaiseAlert } from '../components/raise_alert';
import { Time } from '../components/time';
import { problemOf } from '../errors';
import { localName, useI18n, type MessageKey } from '../i18n';
import { useEventStream } from '../live';
import { useOrganizationNames } from '../organizations';

// Re-renders every `ms` while mounted: the countdowns.
function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export function Hotline({ identity }: { identity: Identity }) {
  const { t } = useI18n();
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const org = identity.principal.organization;
  const canRaise = identity.principal.roles.some((r) => r === 'duty_officer' || r === 'analyst');

  useEffect(() => {
    listAlerts()
      .then((page) => setAlerts(page.items))
      .catch((error) => setProblem(problemOf(error)));
  }, []);

  const upsert = (alert: Alert) =>
    setAlerts((list) => [alert, ...(list ?? []).filter((a) => a.id !== alert.id)].sort((a, b) => b.created_at.localeCompare(a.created_at)));
  const live = useEventStream(alertEvents, (_type, data) => {
    const id = alertIdOf(data);
    if (id) api<Alert>('GET', `/api/v1/alerts/${encodeURIComponent(id)}`).then(upsert).catch(() => {});
  });

  const list = alerts ?? [];
  const names = useOrganizationNames(list.flatMap((a) => [a.raised_by_organization, ...a.recipients.map((r) => r.organization)]));
  const waiting = list.filter((a) => waitingRow(a, org));
  const others = list.filter((a) => !waitingRow(a, org));

  return (
    <section class="hotline">
      <div class="title-row">
        <h1>{t('hotline.title')}</h1>
        <span class={`live live-${live}`} role="status">
          {t(`situation.live.${live}` as MessageKey)}
        </span>
      </div>
      <FormAlert problem={problem} />
      {canRaise && <RaiseAlert onRaised={upsert} />}
      {alerts === null && !problem && <p aria-busy="true">{t('app.loading')}</p>}
      {waiting.length > 0 && <h2>{t('hotline.waiting', { n: waiting.length })}</h2>}
      {waiting.map((a) => (
        <AlertCard key={a.id} alert={a} org={org} names={names} onChange={upsert} />
      ))}
      <h2>{waiting.length > 0 ? t('hotline.others') : t('hotline.all')}</h2>
      {others.length === 0 && <p>{waiting.length > 0 ? t('hotline.noOthers') : t('hotline.none')}</p>}
      {others.map((a) => (
        <AlertCard key={a.id} alert={a} org={org} names={names} onChange={upsert} />
      ))}
    </section>
  );
}

function AlertCard(props: {
  alert: Alert;
  org: string;
  names: Map<string, { name_ja: string; name_en: string }>;
  onChange: (alert: Alert) => void;
}) {
  const { t, lang } = useI18n();
  const { alert } = props;
  const now = useNow(1000);
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const mine = alert.recipients.find((r) => r.organization === props.org);
  const waiting = waitingRow(alert, props.org);
  const nameOf = (id: string) => {
    const n = props.names.get(id);
    return n ? localName(n, lang) : id;
  };

  async function acknowledge() {
    setBusy(true);
    setProblem(null);
    try {
      await api('POST', `/api/v1/alerts/${encodeURIComponent(alert.id)}/ack`, note.trim() ? { note: note.trim() } : {});
      props.onChange(await api<Alert>('GET', `/api/v1/alerts/${encodeURIComponent(alert.id)}`));
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }

  const deadline = waiting?.deadline ? Date.parse(waiting.deadline) : null;
  const left = deadline === null ? null : Math.round((deadline - now) / 1000);
  return (
    <article class={waiting ? 'alert-card waiting' : 'alert-card'} data-alert={alert.id} aria-labelledby={`alert-${alert.id}`}>
      <header>
        <span class="alert-kind">{t(`alertKind.${alert.kind}` as MessageKey)}</span>
        {alert.level >= 0 && <span class={`level-badge level-${alert.level}`}>{t('situation.levelShort', { level: alert.level })}</span>}
        <h3 id={`alert-${alert.id}`}>{alertTitle(alert, t)}</h3>
      </header>
      {alert.message && <p class="message">{alert.message}</p>}
      <p class="small muted">
        {t('hotline.raisedBy', { org: nameOf(alert.raised_by_organization) })} · <Time iso={alert.created_at} />
      </p>
      {mine && (
        <p class="own-state" data-testid="own-state">
          {t('hotline.yourState')}: <strong>{t(`deliveryState.${mine.state}` as MessageKey)}</strong>
          {mine.acknowledged_at && (
            <>
              {' '}
              (<Time iso={mine.acknowledged_at} />)
            </>
          )}
        </p>
      )}
      {waiting && (
        <div class="ack">
          {left !== null && (
            <p class={left < 0 ? 'countdown overdue' : 'countdown'} role="timer" aria-live="off">
              {left < 0
                ? t('hotline.overdue', { m: Math.floor(-left / 60), s: String(-left % 60).padStart(2, '0') })
                : t('hotline.left', { m: Math.floor(left / 60), s: String(left % 60).padStart(2, '0') })}
            </p>
          )}
          <div class="ack-row">
            <label class="sr-only" for={`note-${alert.id}`}>{t('hotline.note')}</label>
            <input id={`note-${alert.id}`} type="text" placeholder={t('hotline.note')} value={note}
              onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
            <button type="button" class="primary" disabled={busy} onClick={acknowledge}>
              {t('hotline.acknowledge')}
            </button>
          </div>
          <FormAlert problem={problem} />
        </div>
      )}
      {alert.summary && <Recipients alert={alert} nameOf={nameOf} />}
    </article>
  );
}

// For the raiser and NISC: every recipient's state, and acknowledgements
// over time since the alert was raised.
function Recipients({ alert, nameOf }: { alert: Alert; nameOf: (id: string) => string }) {
  const { t } = useI18n();
  const total = alert.recipients.filter((r) => r.must_acknowledge).length;
  const acked = alert.recipients
    .map((r) => r.acknowledged_at)
    .filter((at): at is string => !!at)
    .map((at) => Date.parse(at))
    .sort((a, b) => a - b);
  const start = Date.parse(alert.created_at);
  const end = Math.max(start + alert.ack_minutes * 60_000, ...acked, start + 1);
  const width = 360;
  const height = 90;
  const x = (at: number) => ((at - start) / (end - start)) * width;
  const y = (n: number) => height - (total === 0 ? 0 : (n / total) * (height - 6));
  let path = `M0,${height}`;
  acked.forEach((at, i) => {
    path += ` L${x(at).toFixed(1)},${y(i).toFixed(1)} L${x(at).toFixed(1)},${y(i + 1).toFixed(1)}`;
  });
  path += ` L${width},${y(acked.length).toFixed(1)}`;
  return (
    <div class="recipients-view">
      <p class="summary" data-testid="ack-summary">
        {t('hotline.summary', { acked: alert.summary?.acknowledged ?? 0, total: alert.recipients.length })}
      </p>
      <figure class="ack-curve">
        <figcaption class="small">{t('hotline.curve')}</figcaption>
        <svg viewBox={`0 0 ${width} ${height + 4}`} role="img"
          aria-label={t('hotline.curveLabel', { acked: acked.length, total })}>
          <line x1="0" y1={height} x2={width} y2={height} class="axis" />
          <path d={path} class="curve" />
        </svg>
      </figure>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('hotline.recipient')}</th>
            <th scope="col">{t('hotline.state')}</th>
            <th scope="col">{t('hotline.deadline')}</th>
            <th scope="col">{t('hotline.acknowledgedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {alert.recipients.map((r) => (
            <tr key={r.organization} data-recipient={r.organization} class={`state-${r.state}`}>
              <td>{nameOf(r.organization)}</td>
              <td>{t(`deliveryState.${r.state}` as MessageKey)}</td>
              <td>{r.deadline ? <Time iso={r.deadline} /> : '—'}</td>
              <td>{r.acknowledged_at ? <Time iso={r.acknowledged_at} /> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
