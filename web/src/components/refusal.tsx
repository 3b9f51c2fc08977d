// What a page says to a person whose role does not allow it: a clean
// refusal, not an error, with the way home. (The server refuses the same
// requests; this only spares the person a page of failures.)
import { useI18n } from '../i18n';

export function Refusal() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t('refusal.title')}</h1>
      <p>{t('refusal.text')}</p>
      <p>
        <a href="/">{t('notFound.back')}</a>
      </p>
    </section>
  );
}
