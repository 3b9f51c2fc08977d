// Change one's own password. Every other session of the principal ends;
// this browser gets a new session (and CSRF token).
import { useState } from 'preact/hooks';
import { api, type Identity, type Problem } from '../api';
import { Field, FormAlert, NewPasswordFields, Notice, useFieldErrors } from '../components/form';
import { problemOf } from '../errors';
import { useI18n } from '../i18n';

export function ChangePassword({ onChanged }: { onChanged: (identity: Identity) => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const { fieldError, formProblem } = useFieldErrors(problem, ['current_password', 'new_password']);

  async function submit(event: Event) {
    event.preventDefault();
    setProblem(null);
    setDone(false);
    setMismatch(next !== confirm);
    if (next !== confirm) return;
    setBusy(true);
    try {
      const identity = await api<Identity>('PUT', '/api/v1/session/password', {
        current_password: current,
        new_password: next,
      });
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
      onChanged(identity);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="narrow">
      <h1>{t('password.title')}</h1>
      {done && <Notice>{t('password.changed')}</Notice>}
      <FormAlert problem={formProblem} />
      <form onSubmit={submit} noValidate>
        <Field
          id="current_password"
          type="password"
          label={t('password.current')}
          value={current}
          onInput={setCurrent}
          autoComplete="current-password"
          required
          error={fieldError('current_password')}
        />
        <NewPasswordFields
          value={next}
          onInput={setNext}
          confirm={confirm}
          onConfirm={setConfirm}
          error={fieldError('new_password')}
          mismatch={mismatch}
        />
        <button type="submit" class="primary" disabled={busy}>
          {t('password.submit')}
        </button>
      </form>
    </section>
  );
}
