import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBanner } from '../components/ErrorBanner';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useErrors } from '../stores/errors';
import { useSession } from '../stores/session';
import { NewPassphraseFields, newPassphraseProblem } from '../components/NewPassphraseFields';

/** First run: choose the passphrase that encrypts the database, and say who is operating. */
function SetupForm() {
  const { t } = useTranslation();
  const create = useSession((s) => s.create);
  const busy = useSession((s) => s.busy);
  const [operator, setOperator] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const wrong = newPassphraseProblem(passphrase, confirm, t);
    setProblem(wrong);
    if (wrong) return;
    useErrors.getState().clear();
    await create(operator.trim(), passphrase);
  };

  return (
    <form className="gate-form" onSubmit={submit} data-testid="setup-form">
      <h1>{t('session.setupTitle')}</h1>
      <p className="hint">{t('session.setupHint')}</p>
      <label>
        {t('session.operator')}
        <input data-testid="setup-operator" value={operator} onChange={(e) => setOperator(e.target.value)} required autoComplete="name" autoFocus />
      </label>
      <NewPassphraseFields
        label={t('session.passphrase')}
        confirmLabel={t('session.confirmPassphrase')}
        testIds={{ passphrase: 'setup-passphrase', confirm: 'setup-confirm' }}
        passphrase={passphrase}
        confirm={confirm}
        onPassphrase={setPassphrase}
        onConfirm={setConfirm}
      />
      {problem && (
        <p className="field-error" data-testid="setup-problem">
          {problem}
        </p>
      )}
      <button type="submit" className="primary" data-testid="setup-submit" disabled={busy}>
        {t('session.create')}
      </button>
    </form>
  );
}

function UnlockForm({ lastOperator, keychainUnlock }: { lastOperator: string | null; keychainUnlock: boolean }) {
  const { t } = useTranslation();
  const unlock = useSession((s) => s.unlock);
  const busy = useSession((s) => s.busy);
  const [operator, setOperator] = useState(lastOperator ?? '');
  const [passphrase, setPassphrase] = useState('');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    useErrors.getState().clear();
    const ok = await unlock(operator.trim(), passphrase === '' && keychainUnlock ? undefined : passphrase);
    if (!ok) setPassphrase('');
  };

  return (
    <form className="gate-form" onSubmit={submit} data-testid="unlock-form">
      <h1>{t('session.unlockTitle')}</h1>
      <p className="hint">{keychainUnlock ? t('session.unlockKeychainHint') : t('session.unlockHint')}</p>
      <label>
        {t('session.operator')}
        <input data-testid="unlock-operator" value={operator} onChange={(e) => setOperator(e.target.value)} required autoComplete="name" autoFocus={!lastOperator} />
      </label>
      <label>
        {t('session.passphrase')}
        <input data-testid="unlock-passphrase" type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} required={!keychainUnlock} autoComplete="current-password" autoFocus={!!lastOperator} />
      </label>
      <button type="submit" className="primary" data-testid="unlock-submit" disabled={busy}>
        {t('session.unlock')}
      </button>
    </form>
  );
}

/** Shown until the session is unlocked. */
export function SessionGate() {
  const { t } = useTranslation();
  const status = useSession((s) => s.status);
  const lastOperator = useSession((s) => s.lastOperator);
  return (
    <div className="gate">
      <div className="gate-top">
        <span className="brand">
          {t('app.name')} <small>{t('app.company')}</small>
        </span>
        <LanguageSwitch />
      </div>
      <ErrorBanner />
      {status === null ? (
        <p className="gate-loading" data-testid="session-loading">
          {t('session.connecting')}
        </p>
      ) : !status.initialized ? (
        <SetupForm />
      ) : (
        <UnlockForm lastOperator={status.operator ?? lastOperator} keychainUnlock={status.keychainUnlock} />
      )}
    </div>
  );
}
