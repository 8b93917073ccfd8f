import type { TFunction } from 'i18next';
import { MIN_PASSPHRASE } from '../../shared/domain';

/** A new passphrase typed twice: at setup, and when it is changed. */
export function NewPassphraseFields(props: {
  label: string;
  confirmLabel: string;
  testIds: { passphrase: string; confirm: string };
  passphrase: string;
  confirm: string;
  onPassphrase(value: string): void;
  onConfirm(value: string): void;
}) {
  return (
    <>
      <label>
        {props.label}
        <input data-testid={props.testIds.passphrase} type="password" value={props.passphrase} onChange={(e) => props.onPassphrase(e.target.value)} required autoComplete="new-password" />
      </label>
      <label>
        {props.confirmLabel}
        <input data-testid={props.testIds.confirm} type="password" value={props.confirm} onChange={(e) => props.onConfirm(e.target.value)} required autoComplete="new-password" />
      </label>
    </>
  );
}

/** What is wrong with a new passphrase as typed (too short, the two differ), or null. */
export function newPassphraseProblem(passphrase: string, confirm: string, t: TFunction): string | null {
  if (passphrase.length < MIN_PASSPHRASE) return t('session.passphraseTooShort', { min: MIN_PASSPHRASE });
  if (passphrase !== confirm) return t('session.passphraseMismatch');
  return null;
}
