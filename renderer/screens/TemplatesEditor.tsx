import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language, ReplyTemplate } from '../../shared/domain';
import i18n from '../i18n';
import { useNotices } from '../stores/notices';
import { useTemplates } from '../stores/templates';

const PLACEHOLDERS = '{{customerName}} {{inquiryNumber}} {{operator}}';

function TemplateForm({ template, onClose }: { template: ReplyTemplate | null; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useTemplates((s) => s.save);
  const [name, setName] = useState(template?.name ?? '');
  const [language, setLanguage] = useState<Language>(template?.language ?? 'ja');
  const [body, setBody] = useState(template?.body ?? '');
  const [busy, setBusy] = useState(false);
  // The version this form was opened on: the list may show a newer one saved elsewhere meanwhile.
  const [opened] = useState(template);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      const saved = await save({ ...(opened ? { id: opened.id, before: { name: opened.name, language: opened.language, body: opened.body } } : {}), name, language, body });
      if (saved) {
        useNotices.getState().show(i18n.t('templates.saved', { name: saved.name }));
        onClose();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} data-testid="template-form">
      <div className="form-grid">
        <label>
          {t('templates.name')}
          <input data-testid="template-name" value={name} required onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('templates.languageLabel')}
          <select data-testid="template-language" value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
            <option value="ja">{t('templates.language.ja')}</option>
            <option value="en">{t('templates.language.en')}</option>
          </select>
        </label>
      </div>
      <label className="block-field">
        {t('templates.body')}
        <textarea data-testid="template-body" rows={6} value={body} required onChange={(e) => setBody(e.target.value)} />
      </label>
      <p className="hint">{t('templates.placeholders', { list: PLACEHOLDERS, interpolation: { escapeValue: false } })}</p>
      <div className="form-actions">
        <button type="button" data-testid="template-cancel" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" data-testid="template-save" disabled={busy}>
          {t('common.save')}
        </button>
      </div>
    </form>
  );
}

/** Settings: canned replies in Japanese and English. */
export function TemplatesEditor() {
  const { t } = useTranslation();
  const templates = useTemplates((s) => s.templates);
  const loaded = useTemplates((s) => s.loaded);
  const remove = useTemplates((s) => s.remove);
  const [editing, setEditing] = useState<null | 'new' | number>(null);
  /** The template whose removal waits for a second click (as an account's does). */
  const [confirming, setConfirming] = useState<number | null>(null);

  useEffect(() => {
    void useTemplates.getState().load();
  }, []);

  const edited = typeof editing === 'number' ? (templates.find((x) => x.id === editing) ?? null) : null;
  const removeOne = async (template: ReplyTemplate) => {
    setConfirming(null);
    if (await remove(template.id)) {
      // Its edit form, if open, would save a copy of what is gone.
      if (editing === template.id) setEditing(null);
      useNotices.getState().show(i18n.t('templates.removed', { name: template.name }), {
        label: i18n.t('common.undo'),
        run: async () => {
          const restored = await useTemplates.getState().save({ name: template.name, language: template.language, body: template.body });
          if (restored) useNotices.getState().show(i18n.t('templates.saved', { name: restored.name }));
        },
      });
    }
  };

  return (
    <section data-testid="templates-section">
      <div className="toolbar">
        <h3>{t('templates.title')}</h3>
        <span className="spacer" />
        <button type="button" className="primary" data-testid="template-add" onClick={() => setEditing('new')}>
          {t('templates.add')}
        </button>
      </div>
      {editing !== null && <TemplateForm key={String(editing)} template={edited} onClose={() => setEditing(null)} />}
      {loaded && templates.length === 0 && editing === null && <p className="empty">{t('templates.none')}</p>}
      <ul className="account-list" data-testid="template-list">
        {templates.map((x) => (
          <li key={x.id} className="card" data-testid={`template-row-${x.id}`}>
            <div className="toolbar">
              <span className="badge">{t(`templates.language.${x.language}`)}</span>
              <strong data-testid="template-row-name">{x.name}</strong>
              <span className="spacer" />
              <button type="button" data-testid={`template-edit-${x.id}`} onClick={() => setEditing(x.id)}>
                {t('templates.edit')}
              </button>
              {confirming === x.id ? (
                <>
                  <span className="warning">{t('templates.removeQuestion', { name: x.name })}</span>
                  <button type="button" data-testid={`template-remove-cancel-${x.id}`} autoFocus onClick={() => setConfirming(null)}>
                    {t('common.cancel')}
                  </button>
                  <button type="button" className="danger" data-testid={`template-remove-confirm-${x.id}`} onClick={() => void removeOne(x)}>
                    {t('templates.remove')}
                  </button>
                </>
              ) : (
                <button type="button" data-testid={`template-remove-${x.id}`} aria-label={t('templates.removeNamed', { name: x.name })} onClick={() => setConfirming(x.id)}>
                  {t('templates.remove')}
                </button>
              )}
            </div>
            <div className="message-body muted">{x.body}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}
