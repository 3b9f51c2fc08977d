// Form parts every page uses: a labelled field with its help and the
// server's error beside it, and the alert a form shows above itself.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Problem } from '../api';
import { errorText, minPasswordLength, problemOf, showDetail } from '../errors';
import { useI18n } from '../i18n';

interface FieldProps {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: string;
  autoComplete?: string;
  help?: string;
  error?: string;
  required?: boolean;
  autoFocus?: boolean;
  multiline?: boolean;
  min?: number;
  max?: number;
  step?: number | 'any';
}

export function Field(props: FieldProps) {
  const described = [props.help && `${props.id}-help`, props.error && `${props.id}-error`].filter(Boolean).join(' ');
  return (
    <div class={props.error ? 'field field-invalid' : 'field'}>
      <label for={props.id}>{props.label}</label>
      {props.multiline ? (
        <textarea
          id={props.id}
          name={props.id}
          value={props.value}
          rows={6}
          required={props.required}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={described || undefined}
          onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value)}
        />
      ) : (
        <input
          id={props.id}
          name={props.id}
          type={props.type ?? 'text'}
          value={props.value}
          autoComplete={props.autoComplete}
          required={props.required}
          autoFocus={props.autoFocus}
          min={props.min}
          max={props.max}
          step={props.step}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={described || undefined}
          onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
        />
      )}
      {props.help && (
        <p class="help" id={`${props.id}-help`}>
          {props.help}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

// A new password and its confirmation (sign-in with a setup code, password
// change): the rules as help, the server's error beside the first, a
// mismatch beside the second.
export function NewPasswordFields(props: {
  value: string;
  onInput: (value: string) => void;
  confirm: string;
  onConfirm: (value: string) => void;
  error?: string;
  mismatch: boolean;
}) {
  const { t } = useI18n();
  return (
    <>
      <Field
        id="new_password"
        type="password"
        label={t('password.new')}
        value={props.value}
        onInput={props.onInput}
        autoComplete="new-password"
        help={t('password.rules', { min: minPasswordLength })}
        required
        error={props.error}
      />
      <Field
        id="confirm_password"
        type="password"
        label={t('password.confirm')}
        value={props.confirm}
        onInput={props.onConfirm}
        autoComplete="new-password"
        required
        error={props.mismatch ? t('password.mismatch') : undefined}
      />
    </>
  );
}

// The error a form shows above its fields: for a problem the server did not
// tie to one field of the form.
export function FormAlert({ problem }: { problem: Problem | null }) {
  const { t } = useI18n();
  if (!problem) return null;
  return (
    <div class="alert alert-error" role="alert">
      <p>{errorText(problem, t)}</p>
      {showDetail(problem) && <p class="detail">{t('error.serverSays', { detail: problem.detail })}</p>}
    </div>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="alert alert-ok" role="status">
      {children}
    </div>
  );
}

// Where a form shows the server's error: beside the field it names, when
// that field is one of `fields` (fieldError); otherwise above the form
// (formProblem, for FormAlert).
export function useFieldErrors(problem: Problem | null, fields: string[]) {
  const { t } = useI18n();
  const onField = problem !== null && fields.includes(problem.field ?? '');
  return {
    fieldError: (field: string) => (onField && problem.field === field ? errorText(problem, t) : undefined),
    formProblem: onField ? null : problem,
  };
}

// A form that sends: `submit` (its onSubmit) clears the last problem, runs
// `send` and keeps the problem the server answered, if any.
export function useSubmit(send: () => Promise<void>) {
  const [problem, setProblem] = useState<Problem | null>(null);
  async function submit(event: Event) {
    event.preventDefault();
    setProblem(null);
    try {
      await send();
    } catch (error) {
      setProblem(problemOf(error));
    }
  }
  return { problem, submit };
}
