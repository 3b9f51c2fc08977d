// The plan's registry: the sectors with their ministries, the ministries,
// and the CEPTOARs with their secretariats and figures; one search box
// filters all three (names in either language, ids).
import type { ComponentChild } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Items, type Problem } from '../api';
import { FormAlert } from '../components/form';
import { problemOf } from '../errors';
import { localName, useI18n, type Lang } from '../i18n';

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
    </section>
  );
}

// One list of the registry under its heading, with how many of all match.
function RegistryTable<T extends Named>(props: {
  title: string;
  total: number;
  rows: T[];
  columns: [string, (row: T) => ComponentChild][];
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
        <table>
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
    </>
  );
}
