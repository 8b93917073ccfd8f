import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_SYNC_FOLDERS, type MailAccount, type MailAccountInput, type MailAuthMethod } from '../../shared/mailAccounts';
import i18n from '../i18n';
import { useAccounts } from '../stores/accounts';
import { useNotices } from '../stores/notices';

interface Fields {
  label: string;
  imapHost: string;
  imapPort: string;
  imapTls: boolean;
  imapUser: string;
  authMethod: MailAuthMethod;
  imapPassword: string;
  oauthAccessToken: string;
  oauthRefreshToken: string;
  oauthTokenUrl: string;
  oauthClientId: string;
  oauthClientSecret: string;
  oauthAuthorizeUrl: string;
  oauthScope: string;
  smtpHost: string;
  smtpPort: string;
  smtpTls: boolean;
  smtpUser: string;
  smtpPassword: string;
  fromAddress: string;
  fromName: string;
  signature: string;
  /** Folder names, one per line or separated by commas. */
  folders: string;
  /** YYYY-MM-DD, or '' to import everything. */
  importSince: string;
}

/** "INBOX, Archive" or one per line → ["INBOX", "Archive"], without blanks or repeats. */
export function parseFolders(text: string): string[] {
  return [...new Set(text.split(/[,\n]/).map((name) => name.trim()).filter((name) => name !== ''))];
}

const DEFAULT_PORTS = { imap: { tls: '993', plain: '143' }, smtp: { tls: '465', plain: '587' } };

/** Token fields start blank: stored secrets are never sent to the UI, and a blank one on edit is kept. */
const BLANK_OAUTH = { oauthAccessToken: '', oauthRefreshToken: '', oauthTokenUrl: '', oauthClientId: '', oauthClientSecret: '', oauthAuthorizeUrl: '', oauthScope: '' };

function fieldsFrom(account: MailAccount | null): Fields {
  if (!account) {
    return {
      label: '',
      imapHost: '',
      imapPort: DEFAULT_PORTS.imap.tls,
      imapTls: true,
      imapUser: '',
      authMethod: 'password',
      imapPassword: '',
      ...BLANK_OAUTH,
      smtpHost: '',
      smtpPort: DEFAULT_PORTS.smtp.tls,
      smtpTls: true,
      smtpUser: '',
      smtpPassword: '',
      fromAddress: '',
      fromName: '',
      signature: '',
      folders: 'INBOX',
      importSince: '',
    };
  }
  return {
    label: account.label,
    imapHost: account.imapHost,
    imapPort: String(account.imapPort),
    imapTls: account.imapTls,
    imapUser: account.imapUser,
    authMethod: account.authMethod,
    imapPassword: '',
    ...BLANK_OAUTH,
    oauthTokenUrl: account.oauthTokenUrl ?? '',
    oauthClientId: account.oauthClientId ?? '',
    oauthAuthorizeUrl: account.oauthAuthorizeUrl ?? '',
    oauthScope: account.oauthScope ?? '',
    smtpHost: account.smtpHost,
    smtpPort: String(account.smtpPort),
    smtpTls: account.smtpTls,
    smtpUser: account.smtpUser,
    smtpPassword: '',
    fromAddress: account.fromAddress,
    fromName: account.fromName,
    signature: account.signature ?? '',
    folders: (account.folders && account.folders.length > 0 ? account.folders : ['INBOX']).join('\n'),
    importSince: account.importSince ?? '',
  };
}

/** The OAuth2 fields to save: blank secrets are left out (kept), the endpoints, client ID and scope always sent. */
function oauthInput(fields: Fields): Partial<MailAccountInput> {
  return {
    ...(fields.oauthAccessToken.trim() !== '' ? { oauthAccessToken: fields.oauthAccessToken.trim() } : {}),
    ...(fields.oauthRefreshToken.trim() !== '' ? { oauthRefreshToken: fields.oauthRefreshToken.trim() } : {}),
    ...(fields.oauthClientSecret.trim() !== '' ? { oauthClientSecret: fields.oauthClientSecret.trim() } : {}),
    oauthTokenUrl: fields.oauthTokenUrl.trim(),
    oauthClientId: fields.oauthClientId.trim(),
    oauthAuthorizeUrl: fields.oauthAuthorizeUrl.trim(),
    oauthScope: fields.oauthScope.trim(),
  };
}

/** Enough to sign in with the provider from Settings once saved. */
const canSignIn = (fields: Fields) => fields.oauthAuthorizeUrl.trim() !== '' && fields.oauthTokenUrl.trim() !== '' && fields.oauthClientId.trim() !== '';

/** Adds or edits a mail account. On edit, an empty password field keeps the stored password. */
export function AccountForm({ account, onClose }: { account: MailAccount | null; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useAccounts((s) => s.save);
  const [fields, setFields] = useState<Fields>(() => fieldsFrom(account));
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const editing = account !== null;

  const set = <K extends keyof Fields>(key: K, value: Fields[K]) => setFields((f) => ({ ...f, [key]: value }));
  const setTls = (kind: 'imap' | 'smtp', tls: boolean) =>
    setFields((f) => {
      const portKey = kind === 'imap' ? 'imapPort' : 'smtpPort';
      const defaults = DEFAULT_PORTS[kind];
      // Follow the usual port when the user has not typed a different one.
      const port = f[portKey] === defaults.tls || f[portKey] === defaults.plain ? (tls ? defaults.tls : defaults.plain) : f[portKey];
      return { ...f, [kind === 'imap' ? 'imapTls' : 'smtpTls']: tls, [portKey]: port };
    });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const oauth = fields.authMethod === 'oauth2';
    if (!editing && !oauth && fields.imapPassword === '') return setProblem(t('accounts.imapPasswordRequired'));
    if (oauth && !account?.hasOAuthAccessToken && fields.oauthAccessToken === '' && fields.oauthRefreshToken === '' && !canSignIn(fields)) {
      return setProblem(t('accounts.accessTokenRequired'));
    }
    const folders = parseFolders(fields.folders);
    if (folders.length === 0) return setProblem(t('accounts.foldersRequired'));
    if (folders.length > MAX_SYNC_FOLDERS) return setProblem(t('accounts.foldersTooMany', { max: MAX_SYNC_FOLDERS }));
    const input: MailAccountInput = {
      ...(editing ? { id: account.id } : {}),
      label: fields.label,
      imapHost: fields.imapHost,
      imapPort: Number(fields.imapPort),
      imapTls: fields.imapTls,
      imapUser: fields.imapUser,
      authMethod: fields.authMethod,
      ...(!oauth && fields.imapPassword !== '' ? { imapPassword: fields.imapPassword } : {}),
      ...(oauth ? oauthInput(fields) : {}),
      smtpHost: fields.smtpHost,
      smtpPort: Number(fields.smtpPort),
      smtpTls: fields.smtpTls,
      smtpUser: fields.smtpUser,
      ...(fields.smtpPassword !== '' ? { smtpPassword: fields.smtpPassword } : {}),
      fromAddress: fields.fromAddress,
      fromName: fields.fromName,
      signature: fields.signature,
      folders,
      importSince: fields.importSince === '' ? null : fields.importSince,
    };
    setProblem(null);
    setBusy(true);
    try {
      const saved = await save(input);
      if (saved) {
        useNotices.getState().show(i18n.t(editing ? 'accounts.updated' : 'accounts.added', { label: saved.label }));
        onClose();
      }
    } finally {
      setBusy(false);
    }
  };

  const text = (key: keyof Fields, testId: string, label: string, type = 'text', extra: Record<string, unknown> = {}) => (
    <label>
      {label}
      <input
        type={type}
        data-testid={testId}
        value={fields[key] as string}
        onChange={(e) => set(key, e.target.value as never)}
        {...extra}
      />
    </label>
  );
  const keepHint = editing ? t('accounts.passwordKeep') : undefined;

  return (
    <form className="account-form card" onSubmit={submit} data-testid="account-form">
      <h3>{editing ? t('accounts.editTitle', { label: account.label }) : t('accounts.addTitle')}</h3>
      <div className="form-grid">
        {text('label', 'account-label', t('accounts.label'), 'text', { required: true })}
        {text('fromAddress', 'account-from-address', t('accounts.fromAddress'), 'email', { required: true })}
        {text('fromName', 'account-from-name', t('accounts.fromName'))}
      </div>
      <fieldset>
        <legend>IMAP</legend>
        <div className="form-grid">
          {text('imapHost', 'account-imap-host', t('accounts.host'), 'text', { required: true })}
          {text('imapPort', 'account-imap-port', t('accounts.port'), 'number', { required: true, min: 1, max: 65535 })}
          <label className="choice">
            <input type="checkbox" data-testid="account-imap-tls" checked={fields.imapTls} onChange={(e) => setTls('imap', e.target.checked)} />
            {t('accounts.tls')}
          </label>
          {text('imapUser', 'account-imap-user', t('accounts.user'), 'text', { required: true, autoComplete: 'off' })}
          <label>
            {t('accounts.authMethod')}
            <select data-testid="account-auth-method" value={fields.authMethod} onChange={(e) => set('authMethod', e.target.value as MailAuthMethod)}>
              <option value="password">{t('accounts.authPassword')}</option>
              <option value="oauth2">{t('accounts.authOAuth2')}</option>
            </select>
          </label>
          {fields.authMethod === 'password'
            ? text('imapPassword', 'account-imap-password', t('accounts.password'), 'password', {
                autoComplete: 'new-password',
                placeholder: keepHint,
              })
            : text('oauthAccessToken', 'account-oauth-access-token', t('accounts.accessToken'), 'password', {
                autoComplete: 'off',
                placeholder: account?.hasOAuthAccessToken ? keepHint : undefined,
              })}
        </div>
        {fields.authMethod === 'oauth2' && (
          <>
            <p className="muted">{t('accounts.oauthHint')}</p>
            <p className="muted">{t('accounts.oauthSignInHint')}</p>
            <div className="form-grid">
              {text('oauthAuthorizeUrl', 'account-oauth-authorize-url', t('accounts.authorizeUrl'), 'url', { placeholder: 'https://' })}
              {text('oauthTokenUrl', 'account-oauth-token-url', t('accounts.tokenUrl'), 'url', { placeholder: 'https://' })}
              {text('oauthClientId', 'account-oauth-client-id', t('accounts.clientId'), 'text', { autoComplete: 'off' })}
              {text('oauthClientSecret', 'account-oauth-client-secret', t('accounts.clientSecret'), 'password', {
                autoComplete: 'off',
                placeholder: keepHint,
              })}
              {text('oauthScope', 'account-oauth-scope', t('accounts.scope'), 'text', { autoComplete: 'off', placeholder: 'https://mail.google.com/' })}
            </div>
            <details open={editing && account.hasOAuthRefresh}>
              <summary>{t('accounts.oauthRefresh')}</summary>
              <p className="muted">{t('accounts.oauthRefreshHint')}</p>
              <div className="form-grid">
                {text('oauthRefreshToken', 'account-oauth-refresh-token', t('accounts.refreshToken'), 'password', {
                  autoComplete: 'off',
                  placeholder: account?.hasOAuthRefresh ? keepHint : undefined,
                })}
              </div>
            </details>
          </>
        )}
      </fieldset>
      <fieldset>
        <legend>SMTP</legend>
        <div className="form-grid">
          {text('smtpHost', 'account-smtp-host', t('accounts.host'), 'text', { required: true })}
          {text('smtpPort', 'account-smtp-port', t('accounts.port'), 'number', { required: true, min: 1, max: 65535 })}
          <label className="choice">
            <input type="checkbox" data-testid="account-smtp-tls" checked={fields.smtpTls} onChange={(e) => setTls('smtp', e.target.checked)} />
            {t('accounts.tls')}
          </label>
          {text('smtpUser', 'account-smtp-user', t('accounts.user'), 'text', { autoComplete: 'off' })}
          {fields.authMethod === 'password' &&
            text('smtpPassword', 'account-smtp-password', t('accounts.password'), 'password', {
              autoComplete: 'new-password',
              placeholder: keepHint,
            })}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('accounts.syncSettings')}</legend>
        <div className="form-grid">
          <label>
            {t('accounts.folders')}
            <textarea
              data-testid="account-folders"
              rows={3}
              value={fields.folders}
              onChange={(e) => set('folders', e.target.value)}
              aria-describedby="account-folders-hint"
            />
            <small className="muted" id="account-folders-hint">
              {t('accounts.foldersHint')}
            </small>
          </label>
          <label>
            {t('accounts.importSince')}
            <input
              type="date"
              data-testid="account-import-since"
              value={fields.importSince}
              onChange={(e) => set('importSince', e.target.value)}
              aria-describedby="account-import-since-hint"
            />
            <small className="muted" id="account-import-since-hint">
              {t('accounts.importSinceHint')}
            </small>
          </label>
        </div>
      </fieldset>
      <label className="block-field">
        {t('mail.signature')}
        <textarea
          data-testid="account-signature"
          rows={4}
          value={fields.signature}
          onChange={(e) => set('signature', e.target.value)}
          placeholder={t('mail.signaturePlaceholder')}
        />
      </label>
      {!fields.imapTls || !fields.smtpTls ? (
        <p className="warning" data-testid="account-plain-warning">
          {t('accounts.plainWarning')}
        </p>
      ) : null}
      {problem && (
        <p className="field-error" data-testid="account-problem">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="button" data-testid="account-cancel" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" data-testid="account-save" disabled={busy}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}
