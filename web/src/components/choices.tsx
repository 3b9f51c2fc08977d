// Groups of choices with a legend (fieldset): one of several (radios) or
// any of several (checkboxes), each option with an optional line of help,
// and the server's error for the group beside it.
import type { ComponentChildren } from 'preact';

export interface Option {
  value: string;
  label: string;
  help?: string;
  disabled?: boolean;
}

interface GroupProps {
  name: string;
  legend: string;
  help?: string;
  error?: string;
  inline?: boolean;
  children?: ComponentChildren;
}

function Group(props: GroupProps & { options: ComponentChildren }) {
  const described = [props.help && `${props.name}-help`, props.error && `${props.name}-error`]
    .filter(Boolean)
    .join(' ');
  return (
    <fieldset
      class={`choices${props.inline ? ' inline' : ''}${props.error ? ' field-invalid' : ''}`}
      aria-describedby={described || undefined}
      id={props.name}
    >
      <legend>{props.legend}</legend>
      {props.help && (
        <p class="help" id={`${props.name}-help`}>
          {props.help}
        </p>
      )}
      <div class="options">{props.options}</div>
      {props.children}
      {props.error && (
        <p class="field-error" id={`${props.name}-error`}>
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

function OptionLabel({ option, input }: { option: Option; input: ComponentChildren }) {
  return (
    <label class={option.disabled ? 'option disabled' : 'option'}>
      {input}
      <span>
        {option.label}
        {option.help && <span class="option-help">{option.help}</span>}
      </span>
    </label>
  );
}

// The options as radios (one of) or checkboxes (any of).
function Options(props: {
  name: string;
  options: Option[];
  multiple: boolean;
  checked: (value: string) => boolean;
  onToggle: (value: string, on: boolean) => void;
}) {
  return (
    <>
      {props.options.map((o) => (
        <OptionLabel
          key={o.value}
          option={o}
          input={
            <input
              type={props.multiple ? 'checkbox' : 'radio'}
              name={props.name}
              value={o.value}
              checked={props.checked(o.value)}
              disabled={o.disabled}
              onChange={(e) => props.onToggle(o.value, (e.currentTarget as HTMLInputElement).checked)}
            />
          }
        />
      ))}
    </>
  );
}

export function OneOf(props: GroupProps & { options: Option[]; value: string; onChange: (value: string) => void }) {
  return (
    <Group
      {...props}
      options={
        <Options name={props.name} options={props.options} multiple={false}
          checked={(v) => props.value === v} onToggle={(v) => props.onChange(v)} />
      }
    />
  );
}

export function AnyOf(props: GroupProps & { options: Option[]; values: string[]; onChange: (values: string[]) => void }) {
  const toggle = (value: string, on: boolean) =>
    props.onChange(on ? [...props.values, value] : props.values.filter((v) => v !== value));
  return (
    <Group
      {...props}
      options={
        <Options name={props.name} options={props.options} multiple checked={(v) => props.values.includes(v)}
          onToggle={toggle} />
      }
    />
  );
}
