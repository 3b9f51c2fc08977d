// The plan's registry: the sectors with their ministries, the ministries,
// the CEPTOARs with their secretariats and figures, and the organizations;
// one search box filters them all (names in either language, ids). The
// first three are small and filtered here; the organizations (thousands in
// the national deployment) are searched by the server, a page at a time.
import type { ComponentChild } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Items, type Problem } from '../api';
import { FormAlert } from '../components/form';
import { problemOf } from '../errors';
import { localName, useI18n, type Lang, type MessageKey } from '../i18n';

interface Named {
  id: string;
  name_ja: string;
  name_en: string;
}
interface Sector extends Named {
  ministry: string;
}
interface Ministry extends Named {
  sectors: string[];
}
interface Figure {
  ja: string;
  en: string;
  count?: number;
}
interface Ceptoar extends Named {
  sector: string;
  secretariats: string[];
  members: Figure;
  further_recipients: Figure;
}

interface Organization extends Named {
  kind: string;
  sectors: string[];
}
interface OrganizationPage extends Items<Organization> {
  total: number;
}
const organizationPage = 50;

interface RegistryData {
  sectors: Sector[];
  ministries: Ministry[];
  ceptoars: Ceptoar[];
  secretariats: Named[];
}

function matches(entry: Named, query: string): boolean {
  if (!query) return true;
  const q = query.normalize('NFKC').toLowerCase();
  return [entry.id, entry.name_ja, entry.name_en].some((s) => s.normalize('NFKC').toLowerCase().includes(q));
}

function nameOf(list: Named[], id: string, lang: Lang): string {
  const entry = list.find((e) => e.id === id);
  return entry ? localName(entry, lang) : id;
}

export function Registry() {
  const { t, lang } = useI18n();
  const [data, setData] = useState<RegistryData | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [query, setQuery] = useState('');

  useEffect(() => {
    Promise.all([
      api<Items<Sector>>('GET', '/api/v1/registry/sectors'),
      api<Items<Ministry>>('GET', '/api/v1/registry/ministries'),
      api<Items<Ceptoar>>('GET', '/api/v1/registry/ceptoars'),
      api<Items<Named>>('GET', '/api/v1/registry/organizations?kind=ceptoar_secretariat'),
    ])
      .then(([s, m, c, o]) =>
        setData({ sectors: s.items, ministries: m.items, ceptoars: c.items, secretariats: o.items }),
      )
      .catch((error) => setProblem(problemOf(error)));
  }, []);

  if (problem) return <FormAlert problem={problem} />;
  if (!data) return <p aria-busy="true">{t('app.loading')}</p>;

  const sectors = data.sectors.filter((s) => matches(s, query));
  const ministries = data.ministries.filter((m) => matches(m, query));
  const ceptoars = data.ceptoars.filter((c) => matches(c, query));
  const figure = (f: Figure) => (lang === 'ja' ? f.ja : f.en);
  const names = (list: Named[], ids: string[]) =>
    ids.map((id) => nameOf(list, id, lang)).join(lang === 'ja' ? '、' : ', ');

  return (
    <section>
      <h1>{t('registry.title')}</h1>
      <div class="field search">
        <label for="registry-search">{t('registry.search')}</label>
        <input
          id="registry-search"
          type="search"
          value={query}
          aria-describedby="registry-search-help"
          onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
        />
        <p class="help" id="registry-search-help">
          {t('registry.searchHelp')}
        </p>
      </div>

      <RegistryTable
        title={t('registry.sectors')}
        total={data.sectors.length}
        rows={sectors}
        columns={[
          [t('registry.name'), (s) => localName(s, lang)],
          [t('registry.id'), (s) => <code>{s.id}</code>],
          [t('registry.ministry'), (s) => nameOf(data.ministries, s.ministry, lang)],
        ]}
      />
      <RegistryTable
        title={t('registry.ministries')}
        total={data.ministries.length}
        rows={ministries}
        columns={[
          [t('registry.name'), (m) => localName(m, lang)],
          [t('registry.sectorsOf'), (m) => names(data.sectors, m.sectors)],
        ]}
      />
      <RegistryTable
        title={t('registry.ceptoars')}
        total={data.ceptoars.length}
        rows={ceptoars}
        columns={[
          [t('registry.name'), (c) => localName(c, lang)],
          [t('registry.sectorsOf'), (c) => nameOf(data.sectors, c.sector, lang)],
          [t('registry.secretariat'), (c) => names(data.secretariats, c.secretariats)],
          [t('registry.members'), (c) => figure(c.members)],
          [t('registry.furtherRecipients'), (c) => figure(c.further_recipients)],
        ]}
      />
      <Organizations query={query} sectors={data.sectors} />
    </section>
  );
}

// The organizations matching the query, asked of the server once typing
// pauses: the first page of them and how many match in all.
function Organizations({ query, sectors }: { query: string; sectors: Named[] }) {
  const { t, lang } = useI18n();
  const [page, setPage] = useState<OrganizationPage | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      const q = query.trim();
      api<OrganizationPage>('GET', `/api/v1/registry/organizations?limit=${organizationPage}${q ? `&q=${encodeURIComponent(q)}` : ''}`)
        .then((p) => current && (setPage(p), setProblem(null)))
        .catch((error) => current && setProblem(problemOf(error)));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query]);
  if (problem) return <FormAlert problem={problem} />;
  if (!page) return null;
  return (
    <RegistryTable
      title={t('registry.organizations')}
      total={page.total}
      rows={page.items}
      more={page.total > page.items.length ? t('registry.narrowDown', { total: page.total }) : undefined}
      columns={[
        [t('registry.name'), (o) => localName(o, lang)],
        [t('registry.id'), (o) => <code>{o.id}</code>],
        [t('admin.kind'), (o) => t(`orgKind.${o.kind}` as MessageKey)],
        [t('registry.sectorsOf'), (o) => o.sectors.map((id) => nameOf(sectors, id, lang)).join(lang === 'ja' ? '、' : ', ')],
      ]}
    />
  );
}

// One list of the registry under its heading, with how many of all match.
function RegistryTable<T extends Named>(props: {
  title: string;
  total: number;
  rows: T[];
  columns: [string, (row: T) => ComponentChild][];
  more?: string;  // said below the rows when they are not all that match
}) {
  const { t } = useI18n();
  return (
    <>
      <h2>
        {props.title}{' '}
        <span class="count">{t('registry.count', { shown: props.rows.length, total: props.total })}</span>
      </h2>
      {props.rows.length === 0 ? (
        <p>{t('registry.none')}</p>
      ) : (
        <table aria-label={props.title}>
          <thead>
            <tr>
              {props.columns.map(([header]) => (
                <th scope="col" key={header}>
                  {header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr key={row.id}>
                {props.columns.map(([header, cell]) => (
                  <td key={header}>{cell(row)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.more && <p class="muted">{props.more}</p>}
    </>
  );
}
