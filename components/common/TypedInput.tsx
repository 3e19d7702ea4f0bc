// A field that keeps what the user is typing. A controlled Preact input is set back to its `value`
// whenever its parent re-renders, so a reply arriving mid-typing (the model list, the status)
// would wipe the text; this one shows the typed text until the field is left.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';

type Props = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value'> & { value: string | number };

export function TypedInput({ value, onInput, onBlur, ...rest }: Props) {
  const [typed, setTyped] = useState<string | null>(null);
  return (
    <input
      {...rest}
      value={typed ?? value}
      onInput={(e) => {
        setTyped(e.currentTarget.value);
        onInput?.(e);
      }}
      onBlur={(e) => {
        setTyped(null);
        onBlur?.(e);
      }}
    />
  );
}
