// The rules of a severity assessment that fired, each with its level and
// its meaning in the chosen language (the policy's own text: meaning_ja).
import { useI18n } from '../i18n';

export interface FiredRule {
  rule: string;
  level: number;
  meaning: string;
  meaning_ja?: string;
}

export function Reasons({ rules }: { rules: FiredRule[] }) {
  const { lang } = useI18n();
  return (
    <ul class="reasons">
      {rules.map((r) => (
        <li key={r.rule}>
          <span class={`dot level-${r.level}`} aria-hidden="true" />
          {lang === 'ja' && r.meaning_ja ? r.meaning_ja : r.meaning}
        </li>
      ))}
    </ul>
  );
}
