// On every page while signed in: how many alerts wait for the
// organization's acknowledgement, unmistakable (a red banner, and a tone
// when one arrives, where the browser allows sound), with the way to the
// hotline. Kept current from the event stream.
import { useEffect, useRef, useState } from 'preact/hooks';
import { alertEvents, listAlerts, waitingRow } from '../alerts';
import { tone } from '../sound';
import { useI18n } from '../i18n';
import { useEventStream } from '../live';


export function PendingAlerts({ organization }: { organization: string }) {
  const { t } = useI18n();
  const [count, setCount] = useState(0);
  const [refresh, setRefresh] = useState(0);
  const last = useRef(0);

  useEffect(() => {
    listAlerts()
      .then((page) => {
        const n = page.items.filter((a) => waitingRow(a, organization)).length;
        if (n > last.current) tone(660);
        last.current = n;
        setCount(n);
      })
      .catch(() => {});
  }, [organization, refresh]);
  useEventStream(alertEvents, () => setRefresh((r) => r + 1));

  if (count === 0) return null;
  return (
    <div class="pending-alerts" role="alert">
      <strong>{t('hotline.pending', { n: count })}</strong> <a href="/hotline">{t('hotline.open')}</a>
    </div>
  );
}
