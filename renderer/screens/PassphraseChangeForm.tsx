import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { NewPassphraseFields, newPassphraseProblem } from '../components/NewPassphraseFields';
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
    const wrong = newPassphraseProblem(next, confirm, t) ?? (next.normalize('NFC') === current.normalize('NFC') ? t('passphraseChange.same') : null);
    setProblem(wrong);
    if (wrong) return;
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
        <NewPassphraseFields
          label={t('passphraseChange.next')}
          confirmLabel={t('passphraseChange.confirm')}
          testIds={{ passphrase: 'passphrase-change-next', confirm: 'passphrase-change-confirm' }}
          passphrase={next}
          confirm={confirm}
          onPassphrase={setNext}
          onConfirm={setConfirm}
        />
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
