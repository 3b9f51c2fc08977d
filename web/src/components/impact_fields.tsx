// The impact facts of a report as plain-language choices (each may stay
// unknown): the report form and the revise form on the report page. The
// ids are the facts' API paths, so that a server error lands beside its
// field (errorAt).
import { useI18n, type MessageKey } from '../i18n';
import { prefectures, regions } from '../data/prefectures';
import type { FactsDraft } from '../pages/report_form';
import { OneOf, type Option } from './choices';
import { Field } from './form';

export function ImpactFields(props: {
  facts: FactsDraft;
  onChange: (facts: FactsDraft) => void;
  errorAt: (home: string) => string | undefined;
}) {
  const { t } = useI18n();
  const f = props.facts;
  const errorAt = props.errorAt;
  const fact = (key: keyof FactsDraft) => (value: string) => props.onChange({ ...f, [key]: value });
  const options = (keys: readonly string[], prefix: string): Option[] =>
    keys.map((k) => ({ value: k, label: t(`${prefix}.${k}` as MessageKey) }));
  const unknown = { value: '', label: t('fact.unknown') };
  return (
    <fieldset class="group">
      <legend>{t('report.impact')}</legend>
      <p class="help">{t('report.impactHelp')}</p>
      <OneOf name="facts.service.state" legend={t('fact.serviceState')} inline
        options={[unknown, ...options(['normal', 'degraded', 'stopped'], 'fact.state')]}
        value={f.state} onChange={fact('state')} error={errorAt('facts.service.state')} />
      <div class="grid">
        <Field id="facts.service.lost_percent" type="number" min={0} max={100} label={t('fact.lostPercent')}
          value={f.lostPercent} onInput={fact('lostPercent')}
          error={errorAt('facts.service.lost_percent')} />
        <Field id="facts.affected.people" type="number" min={0} label={t('fact.people')}
          value={f.people} onInput={fact('people')} error={errorAt('facts.affected.people')} />
        <Field id="facts.outage.elapsed_minutes" type="number" min={0} step="any" label={t('fact.elapsedHours')}
          value={f.elapsedHours} onInput={fact('elapsedHours')}
          error={errorAt('facts.outage.elapsed_minutes')} />
        <Field id="facts.outage.expected_minutes" type="number" min={0} step="any"
          label={t('fact.expectedHours')} value={f.expectedHours} onInput={fact('expectedHours')}
          error={errorAt('facts.outage.expected_minutes')} />
      </div>
      <PrefecturePicker
        chosen={f.prefectures}
        onChange={(prefectures) => props.onChange({ ...f, prefectures })}
        error={errorAt('facts.affected.prefectures')}
      />
      <OneOf name="facts.systems.normal" legend={t('fact.normalSystems')} inline
        options={[unknown, ...options(['unaffected', 'degraded', 'lost'], 'fact.impact')]}
        value={f.normal} onChange={fact('normal')} error={errorAt('facts.systems.normal')} />
      <OneOf name="facts.systems.backup" legend={t('fact.backupSystems')} inline
        options={[unknown, ...options(['unaffected', 'degraded', 'lost'], 'fact.impact')]}
        value={f.backup} onChange={fact('backup')} error={errorAt('facts.systems.backup')} />
      <div class="grid">
        <Field id="facts.safety.injuries" type="number" min={0} label={t('fact.injuries')}
          value={f.injuries} onInput={fact('injuries')} error={errorAt('facts.safety.injuries')} />
        <Field id="facts.safety.deaths" type="number" min={0} label={t('fact.deaths')}
          value={f.deaths} onInput={fact('deaths')} error={errorAt('facts.safety.deaths')} />
      </div>
      <OneOf name="facts.safety.evacuation" legend={t('fact.evacuation')} inline
        options={[unknown, ...options(['yes', 'no'], 'fact')]}
        value={f.evacuation} onChange={fact('evacuation')} error={errorAt('facts.safety.evacuation')} />
      <OneOf name="facts.attack.status" legend={t('fact.attack')} inline
        options={[unknown, ...options(['none', 'contained', 'ongoing'], 'fact.attack')]}
        value={f.attack} onChange={fact('attack')} error={errorAt('facts.attack.status')} />
      <OneOf name="facts.data.kind" legend={t('fact.data')} inline
        options={[unknown, ...options(['none', 'personal', 'proprietary', 'critical_system_data', 'core_credentials'], 'fact.data')]}
        value={f.data} onChange={fact('data')} error={errorAt('facts.data.kind')} />
    </fieldset>
  );
}

function PrefecturePicker(props: { chosen: number[]; onChange: (codes: number[]) => void; error?: string }) {
  const { t, lang } = useI18n();
  const toggle = (code: number, on: boolean) =>
    props.onChange(on ? [...props.chosen, code].sort((a, b) => a - b) : props.chosen.filter((c) => c !== code));
  return (
    <fieldset class={`choices${props.error ? ' field-invalid' : ''}`} id="facts.affected.prefectures">
      <legend>
        {t('fact.prefectures')}{' '}
        <span class="count">{t('fact.prefecturesChosen', { n: props.chosen.length })}</span>
      </legend>
      <details>
        <summary>
          {props.chosen.length
            ? props.chosen.map((c) => (lang === 'ja' ? prefectures[c - 1].ja : prefectures[c - 1].en)).join(lang === 'ja' ? '、' : ', ')
            : t('report.choose')}
        </summary>
        {regions.map(([ja, en, first, last]) => (
          <div class="region" key={ja}>
            <span class="region-name">{lang === 'ja' ? ja : en}</span>
            {prefectures.slice(first - 1, last).map((p) => (
              <label class="option" key={p.code}>
                <input type="checkbox" checked={props.chosen.includes(p.code)}
                  onChange={(e) => toggle(p.code, (e.currentTarget as HTMLInputElement).checked)} />
                <span>{lang === 'ja' ? p.ja : p.en}</span>
              </label>
            ))}
          </div>
        ))}
      </details>
      {props.error && <p class="field-error">{props.error}</p>}
    </fieldset>
  );
}

