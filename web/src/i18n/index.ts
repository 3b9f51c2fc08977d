// The one home of the UI's languages: the current language, its
// dictionary, and t() to look a text up. Japanese by default; the
// browser's language decides the first visit; a choice is remembered
// (localStorage) across reloads, and by the server for a signed-in person
// (their language on any browser, applied at sign-in).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en } from './en';
import { ja, type MessageKey } from './ja';

export type Lang = 'ja' | 'en';
export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const dictionaries: Record<Lang, Record<MessageKey, string>> = { ja, en };
const storageKey = 'infrashare.lang';

export function initialLang(): Lang {
  const saved = localStorage.getItem(storageKey);
  if (saved === 'ja' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'ja';
}

export function rememberLang(lang: Lang): void {
  localStorage.setItem(storageKey, lang);
  document.documentElement.lang = lang;
}

export function translator(lang: Lang): Translate {
  const dict = dictionaries[lang];
  return (key, vars) => {
    let text = dict[key];
    if (vars) for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, String(v));
    return text;
  };
}

export function hasMessage(key: string): key is MessageKey {
  return key in ja;
}

export interface I18n {
  lang: Lang;
  t: Translate;
  setLang: (lang: Lang) => void;
}

export const I18nContext = createContext<I18n>({ lang: 'ja', t: translator('ja'), setLang: () => {} });

export function useI18n(): I18n {
  return useContext(I18nContext);
}

// The name of a registry entry in the current language.
export function localName(entry: { name_ja: string; name_en: string }, lang: Lang): string {
  return lang === 'ja' ? entry.name_ja : entry.name_en;
}
