// An ApiError (or anything thrown) as a sentence in the chosen language:
// the server's stable reason key when the dictionary has it, else its error
// code; the server's own detail is offered beside when no text of ours
// says more.
import { ApiError, type Problem } from './api';
import { hasMessage, type Translate } from './i18n';

export const minPasswordLength = 12;

export function problemOf(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem;
  return { status: 0, code: 'internal', detail: '' };
}

export function errorText(problem: Problem, t: Translate): string {
  if (problem.code === 'network') return t('error.network');
  const vars = { min: minPasswordLength };
  if (problem.reason) {
    const key = `error.${problem.reason}`;
    if (hasMessage(key)) return t(key, vars);
  }
  const key = `error.${problem.code}`;
  return hasMessage(key) ? t(key, vars) : t('error.internal');
}

// Whether the server's detail should be shown too: when our text is only
// the generic one for its code.
export function showDetail(problem: Problem): boolean {
  return !problem.reason && problem.code === 'invalid_argument' && problem.detail !== '';
}
