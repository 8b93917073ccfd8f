import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MIN_PASSPHRASE } from '../../shared/domain';
import i18n from '../i18n';
import { useErrors } from '../stores/errors';
import { useNotices } from '../stores/notices';
import { useSession } from '../stores/session';

/**
 * Settings: change the passphrase, and with it the key the data is encrypted with (see
 * electron/security/keyChange.ts), when someone who knew it leaves. Staff stay unlocked.
 */
export function PassphraseChangeForm() {
  const { t } = useTranslation();
  const changePassphrase = useSession((s) => s.changePassphrase);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [changing, setChanging] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (next.length < MIN_PASSPHRASE) return setProblem(t('session.passphraseTooShort', { min: MIN_PASSPHRASE }));
    if (next !== confirm) return setProblem(t('session.passphraseMismatch'));
    if (next.normalize('NFC') === current.normalize('NFC')) return setProblem(t('passphraseChange.same'));
    setProblem(null);
    useErrors.getState().clear();
    setChanging(true);
    const changed = await changePassphrase(current, next);
    setChanging(false);
    if (!changed) return;
    setCurrent('');
    setNext('');
    setConfirm('');
    useNotices.getState().show(i18n.t('passphraseChange.changed'));
  };

  return (
    <section>
      <h3>{t('passphraseChange.title')}</h3>
      <p className="hint">{t('passphraseChange.hint')}</p>
      <form className="passphrase-change" onSubmit={submit} data-testid="passphrase-change-form">
        <label>
          {t('passphraseChange.current')}
          <input data-testid="passphrase-change-current" type="password" value={current} onChange={(e) => setCurrent(e.target.value)} required autoComplete="current-password" />
        </label>
        <label>
          {t('passphraseChange.next')}
          <input data-testid="passphrase-change-next" type="password" value={next} onChange={(e) => setNext(e.target.value)} required autoComplete="new-password" />
        </label>
        <label>
          {t('passphraseChange.confirm')}
          <input data-testid="passphrase-change-confirm" type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} required autoComplete="new-password" />
        </label>
        {problem && (
          <p className="field-error" data-testid="passphrase-change-problem">
            {problem}
          </p>
        )}
        <button type="submit" className="primary" data-testid="passphrase-change-submit" disabled={changing}>
          {changing ? t('passphraseChange.changing') : t('passphraseChange.submit')}
        </button>
      </form>
    </section>
  );
}
