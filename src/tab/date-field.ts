import { Field, Input } from '@fluentui/react-components';
import type { DatePattern } from './locale-dates';
import { h } from './ui';

/**
 * A date typed as the person's Teams locale writes it. A browser's date picker follows the browser's own
 * language, which in the Teams desktop and mobile apps need not be the person's, so this is a text field
 * that says the form it expects.
 */
export function DateField(props: {
  label: string;
  value: string;
  pattern: DatePattern;
  /** The refusal to show, if the last search could not read this date. */
  error?: string;
  onChange: (value: string) => void;
}) {
  return h(
    Field,
    {
      label: props.label,
      hint: props.error ? undefined : `As ${props.pattern.pattern}`,
      validationMessage: props.error,
      validationState: props.error ? 'error' : 'none',
    },
    h(Input, {
      value: props.value,
      placeholder: props.pattern.pattern,
      inputMode: 'numeric',
      autoComplete: 'off',
      onChange: (_ev, data) => props.onChange(data.value),
    }),
  );
}
