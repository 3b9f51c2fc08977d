// 状況表示: the national picture NISC's duty officer keeps open. The reports
// the caller may see (GET /api/v1/reports, newest first, filtered), as a
// sector × level heat map, a chart of reports per hour by level, and a
// list; it changes live from the event stream without a reload, and a new
// report of level 4 or 5 is announced in a banner that stays until it is
// acknowledged on this page (and a tone, where the browser allows sound).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, type Problem } from '../api';
import { FormAlert } from '../components/form';
import { Time } from '../components/time';
import { problemOf } from '../errors';
import { localName, useI18n, type MessageKey } from '../i18n';
import { tone } from '../sound';
import { useSectors } from '../sectors';
import { useEventStream } from '../live';
import { useOrganizationNames } from '../organizations';
import { levelOf, levels, shownText, type ReportPage, type ReportSummary } from '../reports';
import { reportKinds, routes } from './report_form';

interface Named {
  id: string;
  name_ja: string;
  name_en: string;
}

interface Filters {
  period: string;
  sector: string;
  kind: string;
  route: string;
  level: string;
  q: string;
}

const periods: Record<string, number> = { '24h': 24, '7d': 24 * 7, '30d': 24 * 30 };
const maxPages = 3;
const freshMs = 60_000;

function sinceOf(period: string, now: number): string {
  return new Date(now - periods[period] * 3_600_000).toISOString();
}

// Whether a report (from the stream) belongs on the page as filtered; the
// text search is the server's, so with a query every event reloads.
function fits(r: ReportSummary, f: Filters, now: number): boolean {
  return (
    Date.parse(r.created_at) >= Date.parse(sinceOf(f.period, now)) &&
    (!f.sector || r.sectors.includes(f.sector)) &&
    (!f.kind || r.kind === f.kind) &&
    (!f.route || r.route === f.route) &&
    (f.level === '' || String(levelOf(r)) === f.level)
  );
}


export function Situation() {
  const { t, lang } = useI18n();
  const [filters, setFilters] = useState<Filters>({ period: '24h', sector: '', kind: '', route: '', level: '', q: '' });
  const [query, setQuery] = useState('');
  const [reports, setReports] = useState<ReportSummary[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const sectors = useSectors();
  const [fresh, setFresh] = useState<Map<string, number>>(new Map());
  const [alarms, setAlarms] = useState<ReportSummary[]>([]);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
  }, []);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const params = new URLSearchParams({ limit: '200', created_from: sinceOf(filters.period, Date.now()) });
      for (const key of ['sector', 'kind', 'route', 'q'] as const) if (filters[key]) params.set(key, filters[key]);
      const all: ReportSummary[] = [];
      try {
        for (let page = 0, cursor: string | undefined; page < maxPages; page++) {
          if (cursor) params.set('cursor', cursor);
          const answer = await api<ReportPage>('GET', `/api/v1/reports?${params}`);
          all.push(...answer.items);
          cursor = answer.next_cursor;
          if (!cursor) break;
        }
        if (!cancelled) {
          setReports(filters.level === '' ? all : all.filter((r) => String(levelOf(r)) === filters.level));
          setProblem(null);
        }
      } catch (error) {
        if (!cancelled) setProblem(problemOf(error));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [filters, reloads]);

  const live = useEventStream(['report.created', 'report.updated', 'report.relayed'], (type, data) => {
    const report = (data as { report?: ReportSummary }).report;
    if (!report) return;
    if (filters.q) {
      setReloads((n) => n + 1);
    } else {
      setReports((list) => {
        const rest = (list ?? []).filter((r) => r.id !== report.id);
        if (!fits(report, filters, Date.now())) return rest;
        return [report, ...rest].sort((a, b) => b.created_at.localeCompare(a.created_at));
      });
    }
    setFresh((m) => new Map(m).set(report.id, Date.now()));
    if (type === 'report.created' && levelOf(report) >= 4) {
      setAlarms((a) => [report, ...a.filter((x) => x.id !== report.id)]);
      tone(880);
    }
  });

  // Fresh rows lose their mark after a minute.
  useEffect(() => {
    if (fresh.size === 0) return;
    const timer = setTimeout(() => {
      const now = Date.now();
      setFresh((m) => new Map([...m].filter(([, at]) => now - at < freshMs)));
    }, freshMs);
    return () => clearTimeout(timer);
  }, [fresh]);

  const list = reports ?? [];
  const organizations = useOrganizationNames(list.map((r) => r.submitter_organization ?? ''));
  const nameOf = (id: string | undefined) => {
    if (!id) return t('situation.hidden');
    const o = organizations.get(id);
    return o ? localName(o, lang) : id;
  };
  const sectorName = (id: string) => {
    const s = sectors.find((x) => x.id === id);
    return s ? localName(s, lang) : id;
  };
  const set = (change: Partial<Filters>) => setFilters((f) => ({ ...f, ...change }));
  const levelLabel = (level: number) => (level < 0 ? t('situation.unassessed') : String(level));

  return (
    <section class="situation">
      <div class="title-row">
        <h1>{t('situation.title')}</h1>
        <span class={`live live-${live}`} role="status">
          {t(`situation.live.${live}` as MessageKey)}
        </span>
      </div>

      {alarms.length > 0 && (
        <div class="alarm" role="alert">
          {alarms.map((r) => (
            <p key={r.id}>
              <strong>{t('situation.alarm', { level: levelOf(r) })}</strong> {shownText(r.title, t)}{' '}
              <span class="muted-on-dark">({r.sectors.map(sectorName).join(lang === 'ja' ? '、' : ', ')})</span>
            </p>
          ))}
          <button type="button" class="secondary" onClick={() => setAlarms([])}>
            {t('situation.alarmSeen')}
          </button>
        </div>
      )}

      <form class="filters" onSubmit={(e) => { e.preventDefault(); set({ q: query.trim() }); }}>
        <Select label={t('situation.period')} value={filters.period} onChange={(period) => set({ period })}
          options={Object.keys(periods).map((p) => [p, t(`situation.period.${p}` as MessageKey)])} />
        <Select label={t('situation.sector')} value={filters.sector} onChange={(sector) => set({ sector })}
          options={[['', t('situation.all')], ...sectors.map((s): [string, string] => [s.id, localName(s, lang)])]} />
        <Select label={t('situation.kind')} value={filters.kind} onChange={(kind) => set({ kind })}
          options={[['', t('situation.all')], ...reportKinds.map((k): [string, string] => [k, t(`kind.${k}` as MessageKey)])]} />
        <Select label={t('situation.route')} value={filters.route} onChange={(route) => set({ route })}
          options={[['', t('situation.all')], ...routes.map((r): [string, string] => [r, t(`route.${r}` as MessageKey)])]} />
        <Select label={t('situation.level')} value={filters.level} onChange={(level) => set({ level })}
          options={[['', t('situation.all')], ...levels.map((l): [string, string] => [String(l), String(l)]),
            ['-1', t('situation.unassessed')]]} />
        <div class="search-box">
          <label for="situation-q">{t('situation.search')}</label>
          <input id="situation-q" type="search" value={query}
            onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
          <button type="submit" class="secondary">{t('situation.searchButton')}</button>
        </div>
      </form>

      <FormAlert problem={problem} />
      {reports === null && !problem && <p aria-busy="true">{t('app.loading')}</p>}

      <div class="picture">
        <HeatMap reports={list} sectors={sectors} />
        <Timeline reports={list} />
      </div>

      <h2>
        {t('situation.newest')} <span class="count">{t('situation.count', { n: list.length })}</span>
      </h2>
      {list.length === 0 ? (
        <p>{t('situation.none')}</p>
      ) : (
        <table class="reports" data-testid="situation-reports">
          <thead>
            <tr>
              <th scope="col">{t('situation.time')}</th>
              <th scope="col">{t('situation.level')}</th>
              <th scope="col">{t('situation.kind')}</th>
              <th scope="col">{t('situation.reportTitle')}</th>
              <th scope="col">{t('situation.sector')}</th>
              <th scope="col">{t('situation.source')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((r) => (
              <tr key={r.id} class={fresh.has(r.id) ? 'fresh' : undefined} data-report={r.id}>
                <td><Time iso={r.created_at} /></td>
                <td><span class={`level-badge level-${Math.max(levelOf(r), 0)}`}>{levelLabel(levelOf(r))}</span></td>
                <td>{t(`kind.${r.kind}` as MessageKey)}</td>
                <td><a href={`/reports/${encodeURIComponent(r.id)}`}>{shownText(r.title, t)}</a></td>
                <td>{r.sectors.map(sectorName).join(lang === 'ja' ? '、' : ', ')}</td>
                <td>{nameOf(r.submitter_organization)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Select(props: { label: string; value: string; onChange: (v: string) => void; options: [string, string][] }) {
  const id = `filter-${props.label}`;
  return (
    <div class="filter">
      <label for={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange((e.currentTarget as HTMLSelectElement).value)}>
        {props.options.map(([value, label]) => (
          <option key={value} value={value}>{label}</option>
        ))}
      </select>
    </div>
  );
}

// Sectors down, levels across: how many of the reports shown.
function HeatMap({ reports, sectors }: { reports: ReportSummary[]; sectors: Named[] }) {
  const { t, lang } = useI18n();
  const counts = useMemo(() => {
    const m = new Map<string, number>();
    for (const r of reports)
      for (const s of r.sectors) m.set(`${s}:${levelOf(r)}`, (m.get(`${s}:${levelOf(r)}`) ?? 0) + 1);
    return m;
  }, [reports]);
  const max = Math.max(1, ...counts.values());
  return (
    <figure class="heatmap">
      <figcaption>{t('situation.heatmap')}</figcaption>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('situation.sector')}</th>
            {levels.map((l) => (
              <th scope="col" key={l}>{t('situation.levelShort', { level: l })}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sectors.map((s) => (
            <tr key={s.id}>
              <th scope="row">{localName(s, lang)}</th>
              {levels.map((l) => {
                const n = counts.get(`${s.id}:${l}`) ?? 0;
                const heat = n === 0 ? 0 : Math.ceil((n / max) * 4);
                return (
                  <td key={l} class={n > 0 ? `heat heat-${heat} heat-level-${l}` : 'heat'} data-sector={s.id} data-level={l}>
                    {n > 0 ? n : ''}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

// Reports per hour over the last 24 hours, stacked by level.
function Timeline({ reports }: { reports: ReportSummary[] }) {
  const { t } = useI18n();
  const hours = 24;
  const now = Date.now();
  const start = now - hours * 3_600_000;
  const buckets = Array.from({ length: hours }, () => new Map<number, number>());
  for (const r of reports) {
    const at = Date.parse(r.created_at);
    if (at < start || at > now) continue;
    const i = Math.min(hours - 1, Math.floor((at - start) / 3_600_000));
    const level = Math.max(levelOf(r), 0);
    buckets[i].set(level, (buckets[i].get(level) ?? 0) + 1);
  }
  const totals = buckets.map((b) => [...b.values()].reduce((a, c) => a + c, 0));
  const max = Math.max(1, ...totals);
  const width = 480;
  const height = 140;
  const bar = width / hours;
  return (
    <figure class="timeline">
      <figcaption>{t('situation.timeline')}</figcaption>
      <svg viewBox={`0 0 ${width} ${height + 16}`} role="img" aria-label={t('situation.timelineLabel', { n: totals.reduce((a, c) => a + c, 0) })}>
        <line x1="0" y1={height} x2={width} y2={height} class="axis" />
        {buckets.map((b, i) => {
          let y = height;
          return levels.map((l) => {
            const n = b.get(l) ?? 0;
            if (n === 0) return null;
            const h = (n / max) * (height - 8);
            y -= h;
            return <rect key={`${i}-${l}`} x={i * bar + 1} y={y} width={bar - 2} height={h} class={`bar level-${l}`} />;
          });
        })}
        <text x="0" y={height + 14} class="tick">{t('situation.hoursAgo', { n: hours })}</text>
        <text x={width} y={height + 14} class="tick" text-anchor="end">{t('situation.now')}</text>
      </svg>
    </figure>
  );
}
