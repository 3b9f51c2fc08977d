// Who is signed in: the principal, its organization and roles.
import type { Identity } from '../api';
import { localName, useI18n, type MessageKey } from '../i18n';

export function Home({ identity }: { identity: Identity }) {
  const { t, lang } = useI18n();
  const { principal, organization } = identity;
  return (
    <section>
      <h1>{t('home.title')}</h1>
      <p class="lead">{t('home.welcome', { name: principal.name })}</p>
      <h2>{t('home.you')}</h2>
      <dl class="facts">
        <dt>{t('home.principal')}</dt>
        <dd>
          <code>{principal.id}</code>
        </dd>
        <dt>{t('home.organization')}</dt>
        <dd>
          {organization ? (
            <>
              {localName(organization, lang)}{' '}
              <span class="muted">({t(`orgKind.${organization.kind}` as MessageKey)})</span>
            </>
          ) : (
            <code>{principal.organization}</code>
          )}
        </dd>
        <dt>{t('home.roles')}</dt>
        <dd>
          <ul class="tags">
            {principal.roles.map((role) => (
              <li key={role}>{t(`role.${role}` as MessageKey)}</li>
            ))}
          </ul>
        </dd>
      </dl>
      <p class="help">{t('home.sessionIdle')}</p>
    </section>
  );
}
