// Sign in with a password, or (first sign-in, or after a reset) exchange
// the administrator's setup code for a password of one's own.
import { useState } from 'preact/hooks';
import { api, type Identity, type Problem } from '../api';
import { Field, FormAlert, NewPasswordFields, useFieldErrors } from '../components/form';
import { problemOf } from '../errors';
import { useI18n } from '../i18n';

type Mode = 'password' | 'setup';

export function SignIn({ onSignedIn }: { onSignedIn: (identity: Identity) => void }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<Mode>('password');
  const [principal, setPrincipal] = useState('');
  const [password, setPassword] = useState('');
  const [setupCode, setSetupCode] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [mismatch, setMismatch] = useState(false);

  const { fieldError, formProblem } = useFieldErrors(problem, ['principal', 'password', 'setup_code', 'new_password']);

  async function submit(event: Event) {
    event.preventDefault();
    setProblem(null);
    setMismatch(false);
    if (mode === 'setup' && newPassword !== confirm) {
      setMismatch(true);
      return;
    }
    setBusy(true);
    try {
      const body =
        mode === 'password'
          ? { principal, password }
          : { principal, setup_code: setupCode.trim(), new_password: newPassword };
      onSignedIn(await api<Identity>('POST', '/api/v1/session', body));
    } catch (error) {
      setProblem(problemOf(error));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  function switchTo(next: Mode) {
    setMode(next);
    setProblem(null);
    setMismatch(false);
  }

  return (
    <main id="main" class="sign-in">
      <div class="sign-in-card">
        <h1>{t('signIn.title')}</h1>
        <p class="lead">{t('signIn.lead')}</p>
        <FormAlert problem={formProblem} />
        <form onSubmit={submit} noValidate>
          <Field
            id="principal"
            label={t('signIn.principal')}
            value={principal}
            onInput={setPrincipal}
            autoComplete="username"
            required
            autoFocus
            error={fieldError('principal')}
          />
          {mode === 'password' ? (
            <Field
              id="password"
              type="password"
              label={t('signIn.password')}
              value={password}
              onInput={setPassword}
              autoComplete="current-password"
              required
              error={fieldError('password')}
            />
          ) : (
            <>
              <Field
                id="setup_code"
                label={t('signIn.setupCode')}
                value={setupCode}
                onInput={setSetupCode}
                autoComplete="one-time-code"
                help={t('signIn.setupCodeHelp')}
                required
                error={fieldError('setup_code')}
              />
              <NewPasswordFields
                value={newPassword}
                onInput={setNewPassword}
                confirm={confirm}
                onConfirm={setConfirm}
                error={fieldError('new_password')}
                mismatch={mismatch}
              />
            </>
          )}
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t('signIn.busy') : mode === 'password' ? t('signIn.submit') : t('signIn.submitFirst')}
          </button>
        </form>
        <p class="switch">
          <button type="button" class="link" onClick={() => switchTo(mode === 'password' ? 'setup' : 'password')}>
            {mode === 'password' ? t('signIn.firstTime') : t('signIn.withPassword')}
          </button>
        </p>
      </div>
    </main>
  );
}
