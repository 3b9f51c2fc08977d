// Who may read a report besides its route's recipients: everyone (TLP:CLEAR
// and GREEN only), every organization of some sectors, the members of some
// CEPTOARs or sharing groups (not with TLP:AMBER+STRICT or RED), or named
// organizations, found by a search the server answers. The report form and
// the relay form (which may widen it within the TLP) both use it; the
// server decides what is allowed and names the field when it is not.
import { useEffect, useState } from 'preact/hooks';
import { api, type Items } from '../api';
import { localName, useI18n } from '../i18n';
import { useOrganizationNames, type OrganizationName } from '../organizations';
import { AnyOf } from './choices';
import type { AudienceDraft } from '../audience';

export interface Named {
  id: string;
  name_ja: string;
  name_en: string;
}

export function AudienceFields(props: {
  id: string;
  value: AudienceDraft;
  onChange: (a: AudienceDraft) => void;
  tlp: string;
  sectors: Named[];
  ceptoars: Named[];
  error?: string;
}) {
  const { t, lang } = useI18n();
  const [groups, setGroups] = useState<Named[]>([]);
  useEffect(() => {
    api<Items<Named>>('GET', '/api/v1/registry/groups')
      .then((g) => setGroups(g.items))
      .catch(() => {});
  }, []);
  const a = props.value;
  const set = (change: Partial<AudienceDraft>) => props.onChange({ ...a, ...change });
  const everyoneAllowed = props.tlp === 'clear' || props.tlp === 'green';
  const namedOnly = props.tlp === 'amber+strict' || props.tlp === 'red';
  const named = (list: Named[]) => list.map((n) => ({ value: n.id, label: localName(n, lang), disabled: namedOnly }));
  return (
    <fieldset class={`group${props.error ? ' field-invalid' : ''}`} id={props.id}>
      <legend>{t('report.audience')}</legend>
      <p class="help">{t('report.audienceHelp')}</p>
      <label class={everyoneAllowed ? 'option' : 'option disabled'}>
        <input type="checkbox" checked={a.everyone} disabled={!everyoneAllowed}
          onChange={(e) => set({ everyone: (e.currentTarget as HTMLInputElement).checked })} />
        <span>{t('audience.everyone')}</span>
      </label>
      <AnyOf name={`${props.id}.sectors`} legend={t('audience.sectors')} inline options={named(props.sectors)}
        values={a.sectors} onChange={(sectors) => set({ sectors })} />
      <AnyOf name={`${props.id}.ceptoars`} legend={t('audience.ceptoars')} inline options={named(props.ceptoars)}
        values={a.ceptoars} onChange={(ceptoars) => set({ ceptoars })} />
      {groups.length > 0 && (
        <AnyOf name={`${props.id}.groups`} legend={t('audience.groups')} inline options={named(groups)}
          values={a.groups} onChange={(chosen) => set({ groups: chosen })} />
      )}
      <OrganizationPicker id={`${props.id}.organizations`} chosen={a.organizations}
        onChange={(organizations) => set({ organizations })} />
      {props.error && <p class="field-error">{props.error}</p>}
    </fieldset>
  );
}

// Named organizations: a search box whose matches (the server's, ten at a
// time) can be added, and the chosen ones, each removable.
function OrganizationPicker(props: { id: string; chosen: string[]; onChange: (ids: string[]) => void }) {
  const { t, lang } = useI18n();
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<OrganizationName[]>([]);
  const names = useOrganizationNames(props.chosen);
  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setFound([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      api<Items<OrganizationName>>('GET', `/api/v1/registry/organizations?limit=10&q=${encodeURIComponent(q)}`)
        .then((page) => current && setFound(page.items))
        .catch(() => current && setFound([]));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query]);
  const nameOf = (id: string) => {
    const o = names.get(id);
    return o ? localName(o, lang) : id;
  };
  return (
    <fieldset class="choices" id={props.id}>
      <legend>{t('audience.organizations')}</legend>
      {props.chosen.length > 0 && (
        <ul class="chosen">
          {props.chosen.map((id) => (
            <li key={id}>
              {nameOf(id)}{' '}
              <button type="button" class="link" aria-label={t('audience.remove', { name: nameOf(id) })}
                onClick={() => props.onChange(props.chosen.filter((x) => x !== id))}>
                {t('audience.removeShort')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="field">
        <label for={`${props.id}-search`}>{t('audience.findOrganization')}</label>
        <input id={`${props.id}-search`} type="search" value={query}
          onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
      </div>
      {found.length > 0 && (
        <ul class="found">
          {found
            .filter((o) => !props.chosen.includes(o.id))
            .map((o) => (
              <li key={o.id}>
                <button type="button" class="secondary"
                  onClick={() => {
                    props.onChange([...props.chosen, o.id]);
                    setQuery('');
                  }}>
                  {t('audience.add', { name: localName(o, lang) })}
                </button>
              </li>
            ))}
        </ul>
      )}
    </fieldset>
  );
}
