// 管理 (admin role): the people of the organization — add one, give a setup
// code for the first sign-in or a password reset, issue an API token,
// change their roles, disable one (its sessions end at once) — and
// its webhooks. NISC's administrators also add organizations and manage
// every organization's people. Secrets (codes, tokens, signing secrets) are
// shown once, as the server answers them.
import { useEffect, useState } from 'preact/hooks';
import { api, type Identity, type Items, type Principal, type Problem } from '../api';
import { AnyOf, OneOf } from '../components/choices';
import { Field, FormAlert, Notice, useFieldErrors, useSubmit } from '../components/form';
import { Refusal } from '../components/refusal';
import { Time } from '../components/time';
import { problemOf } from '../errors';
import { localName, useI18n, type MessageKey } from '../i18n';
import { useSectors } from '../sectors';

const roles = ['reporter', 'analyst', 'relay', 'duty_officer', 'admin'];
const orgKinds = ['operator', 'ceptoar_secretariat', 'ministry', 'security_agency', 'incident_agency',
  'disaster_agency', 'crisis_office', 'vendor', 'other'];

interface PrincipalRow extends Principal {
  created_at: string;
}
interface Webhook {
  id: string;
  url: string;
  active: boolean;
  created_at: string;
}

// A secret the server showed once.
interface Shown {
  label: string;
  value: string;
}

export function Admin({ identity }: { identity: Identity }) {
  const { t } = useI18n();
  const isNisc = identity.organization?.kind === 'coordination_center';
  const [organization, setOrganization] = useState(identity.principal.organization);
  const [principals, setPrincipals] = useState<PrincipalRow[]>([]);
  const [webhooks, setWebhooks] = useState<Webhook[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [notice, setNotice] = useState('');
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (!identity.principal.roles.includes('admin')) return;
    api<Items<PrincipalRow>>('GET', `/api/v1/admin/principals?organization=${encodeURIComponent(organization)}`)
      .then((p) => setPrincipals(p.items))
      .catch((error) => setProblem(problemOf(error)));
    api<Items<Webhook>>('GET', '/api/v1/webhooks')
      .then((w) => setWebhooks(w.items))
      .catch(() => {});
  }, [organization, version]);

  if (!identity.principal.roles.includes('admin')) return <Refusal />;

  async function act(label: string, call: () => Promise<string>) {
    setProblem(null);
    setShown(null);
    setNotice('');
    try {
      setShown({ label, value: await call() });
      setVersion((v) => v + 1);
    } catch (error) {
      setProblem(problemOf(error));
    }
  }
  // A change of a principal (PATCH), said in a notice when done.
  async function change(id: string, body: object, done: string) {
    setProblem(null);
    setShown(null);
    setNotice('');
    try {
      await api('PATCH', `/api/v1/admin/principals/${encodeURIComponent(id)}`, body);
      setNotice(done);
      setVersion((v) => v + 1);
    } catch (error) {
      setProblem(problemOf(error));
    }
  }
  const disable = (id: string) => {
    if (window.confirm(t('admin.disableConfirm', { id }))) change(id, { disabled: true }, t('admin.principalDisabled', { id }));
  };
  const enable = (id: string) => change(id, { disabled: false }, t('admin.principalEnabled', { id }));
  const self = identity.principal.id;
  const setupCode = (id: string) =>
    act(t('admin.setupCodeFor', { id }), async () =>
      (await api<{ setup_code: string }>('POST', `/api/v1/admin/principals/${encodeURIComponent(id)}/setup-code`, {})).setup_code);
  const token = (id: string) =>
    act(t('admin.tokenFor', { id }), async () =>
      (await api<{ token: string }>('POST', `/api/v1/admin/principals/${encodeURIComponent(id)}/tokens`, {})).token);

  return (
    <section class="admin">
      <h1>{t('admin.title')}</h1>
      {shown && (
        <div class="alert alert-ok secret" role="status">
          <p>{shown.label}</p>
          <p><code data-testid="secret">{shown.value}</code></p>
          <p class="small">{t('admin.shownOnce')}</p>
        </div>
      )}
      {notice && <Notice>{notice}</Notice>}
      <FormAlert problem={problem} />

      <h2>{t('admin.principals')}</h2>
      {isNisc && (
        <Field id="admin-org" label={t('admin.organization')} value={organization} onInput={setOrganization} />
      )}
      <table data-testid="principals">
        <thead>
          <tr>
            <th scope="col">{t('home.principal')}</th>
            <th scope="col">{t('admin.name')}</th>
            <th scope="col">{t('home.roles')}</th>
            <th scope="col">{t('hotline.state')}</th>
            <th scope="col">{t('admin.created')}</th>
            <th scope="col">{t('admin.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {principals.map((p) => (
            <tr key={p.id} data-principal={p.id} class={p.disabled_at ? 'disabled-row' : undefined}>
              <td><code>{p.id}</code></td>
              <td>{p.name}</td>
              <td>
                {p.roles.map((r) => t(`role.${r}` as MessageKey)).join(', ')}
                {p.id !== self && (
                  <EditRoles principal={p} onSave={(chosen) => change(p.id, { roles: chosen }, t('admin.rolesChanged', { id: p.id }))} />
                )}
              </td>
              <td>
                {p.disabled_at ? (
                  <span class="state-disabled">{t('admin.principalDisabledSince')} <Time iso={p.disabled_at} /></span>
                ) : (
                  t('admin.active')
                )}
              </td>
              <td><Time iso={p.created_at} /></td>
              <td>
                <div class="row-actions">
                <button type="button" class="secondary" onClick={() => setupCode(p.id)}>{t('admin.issueSetupCode')}</button>
                <button type="button" class="secondary" onClick={() => token(p.id)}>{t('admin.issueToken')}</button>
                {p.id !== self &&
                  (p.disabled_at ? (
                    <button type="button" class="secondary" onClick={() => enable(p.id)}>{t('admin.enablePrincipal')}</button>
                  ) : (
                    <button type="button" class="danger" onClick={() => disable(p.id)}>{t('admin.disablePrincipal')}</button>
                  ))}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <AddPrincipal organization={organization} onAdded={(id) => { setVersion((v) => v + 1); setupCode(id); }} />

      <h2>{t('admin.webhooks')}</h2>
      {webhooks.length === 0 ? (
        <p class="muted">{t('admin.noWebhooks')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">{t('hotline.state')}</th>
              <th scope="col">{t('admin.created')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {webhooks.map((w) => (
              <tr key={w.id}>
                <td><code>{w.url}</code></td>
                <td>{w.active ? t('admin.active') : t('admin.disabled')}</td>
                <td><Time iso={w.created_at} /></td>
                <td>
                  {w.active && (
                    <button type="button" class="secondary"
                      onClick={() => act(t('admin.webhookDisabled'), async () => {
                        await api('DELETE', `/api/v1/webhooks/${encodeURIComponent(w.id)}`);
                        return w.url;
                      })}>
                      {t('admin.disable')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddWebhook onAdded={(secret) => { setShown({ label: t('admin.webhookSecret'), value: secret }); setVersion((v) => v + 1); }} />
      {isNisc && <AddOrganization />}
    </section>
  );
}

// The roles of one principal, changed in place.
function EditRoles({ principal, onSave }: { principal: PrincipalRow; onSave: (roles: string[]) => void }) {
  const { t } = useI18n();
  const [chosen, setChosen] = useState<string[]>(principal.roles);
  return (
    <details class="inline-edit">
      <summary>{t('admin.changeRoles')}</summary>
      <AnyOf name={`roles-${principal.id}`} legend={t('admin.rolesOf', { id: principal.id })} values={chosen}
        onChange={setChosen} options={roles.map((r) => ({ value: r, label: t(`role.${r}` as MessageKey) }))} />
      <button type="button" class="primary" onClick={() => onSave(chosen)}>{t('admin.save')}</button>
    </details>
  );
}

function AddPrincipal({ organization, onAdded }: { organization: string; onAdded: (id: string) => void }) {
  const { t } = useI18n();
  // The organization's part of the user IDs (the server refuses others).
  const prefix = `${organization}.`;
  const [id, setId] = useState(prefix);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>(['reporter']);
  const { problem, submit } = useSubmit(async () => {
    await api('POST', '/api/v1/admin/principals', { id, organization, name, roles: chosen });
    onAdded(id);
    setId(prefix);
    setName('');
  });
  const { fieldError, formProblem } = useFieldErrors(problem, ['id', 'name', 'roles']);
  return (
    <details class="action-box">
      <summary>{t('admin.addPrincipal')}</summary>
      <form onSubmit={submit} noValidate>
        <FormAlert problem={formProblem} />
        <Field id="new-principal-id" label={t('home.principal')} value={id} onInput={setId} required
          help={t('admin.principalIdHelp', { prefix })} error={fieldError('id')} />
        <Field id="new-principal-name" label={t('admin.name')} value={name} onInput={setName} required error={fieldError('name')} />
        <AnyOf name="new-principal-roles" legend={t('home.roles')} inline values={chosen} onChange={setChosen}
          options={roles.map((r) => ({ value: r, label: t(`role.${r}` as MessageKey) }))} error={fieldError('roles')} />
        <p class="help">{t('admin.addPrincipalHelp')}</p>
        <button type="submit" class="primary">{t('admin.add')}</button>
      </form>
    </details>
  );
}

function AddWebhook({ onAdded }: { onAdded: (secret: string) => void }) {
  const { t } = useI18n();
  const [url, setUrl] = useState('');
  const { problem, submit } = useSubmit(async () => {
    const w = await api<{ secret: string }>('POST', '/api/v1/webhooks', { url });
    onAdded(w.secret);
    setUrl('');
  });
  const { fieldError, formProblem } = useFieldErrors(problem, ['url']);
  return (
    <details class="action-box">
      <summary>{t('admin.addWebhook')}</summary>
      <form onSubmit={submit} noValidate>
        <FormAlert problem={formProblem} />
        <Field id="webhook-url" type="url" label="URL" value={url} onInput={setUrl} required help={t('admin.webhookHelp')}
          error={fieldError('url')} />
        <button type="submit" class="primary">{t('admin.add')}</button>
      </form>
    </details>
  );
}

function AddOrganization() {
  const { t, lang } = useI18n();
  const sectors = useSectors();
  const [id, setId] = useState('');
  const [kind, setKind] = useState('operator');
  const [nameJa, setNameJa] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [aliases, setAliases] = useState('');
  const [domains, setDomains] = useState('');
  const [done, setDone] = useState('');
  const list = (text: string) => text.split(/[,、，\n]/).map((s) => s.trim()).filter(Boolean);
  const { problem, submit } = useSubmit(async () => {
    setDone('');
    await api('POST', '/api/v1/admin/organizations', {
      id, kind, name_ja: nameJa, name_en: nameEn, sectors: chosen, aliases: list(aliases), domains: list(domains),
    });
    setDone(id);
    setId('');
    setNameJa('');
    setNameEn('');
    setAliases('');
    setDomains('');
  });
  const { fieldError, formProblem } = useFieldErrors(problem, ['id', 'kind', 'name_ja', 'name_en', 'sectors', 'aliases', 'domains']);
  return (
    <details class="action-box">
      <summary>{t('admin.addOrganization')}</summary>
      <form onSubmit={submit} noValidate>
        {done && <Notice>{t('admin.organizationAdded', { id: done })}</Notice>}
        <FormAlert problem={formProblem} />
        <Field id="org-id" label={t('registry.id')} value={id} onInput={setId} required error={fieldError('id')} />
        <OneOf name="org-kind" legend={t('admin.kind')} inline value={kind} onChange={setKind}
          options={orgKinds.map((k) => ({ value: k, label: t(`orgKind.${k}` as MessageKey) }))} error={fieldError('kind')} />
        <Field id="org-name-ja" label={t('admin.nameJa')} value={nameJa} onInput={setNameJa} required error={fieldError('name_ja')} />
        <Field id="org-name-en" label={t('admin.nameEn')} value={nameEn} onInput={setNameEn} required error={fieldError('name_en')} />
        <AnyOf name="org-sectors" legend={t('registry.sectorsOf')} inline values={chosen} onChange={setChosen}
          options={sectors.map((s) => ({ value: s.id, label: localName(s, lang) }))} error={fieldError('sectors')} />
        <Field id="org-aliases" label={t('admin.aliases')} value={aliases} onInput={setAliases}
          help={t('admin.aliasesHelp')} error={fieldError('aliases')} />
        <Field id="org-domains" label={t('admin.domains')} value={domains} onInput={setDomains}
          help={t('admin.domainsHelp')} error={fieldError('domains')} />
        <button type="submit" class="primary">{t('admin.add')}</button>
      </form>
    </details>
  );
}
