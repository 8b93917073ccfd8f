import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fillTemplate } from '../../shared/replyText';
import { useSession } from '../stores/session';
import { useTemplates } from '../stores/templates';

/** Picks a canned reply for the reply box: its placeholders filled for this inquiry. */
export function TemplatePicker({ values, onPick }: { values: { customerName: string; inquiryNumber: number }; onPick: (text: string) => void }) {
  const { t } = useTranslation();
  const templates = useTemplates((s) => s.templates);
  const loaded = useTemplates((s) => s.loaded);
  const operator = useSession((s) => s.status?.operator ?? s.lastOperator ?? '');

  useEffect(() => {
    if (!loaded) void useTemplates.getState().load();
  }, [loaded]);

  // Chosen, then put in with the button: a select that inserted on every change put in the first
  // template as soon as the arrow keys moved through the list.
  const [chosenId, setChosenId] = useState('');
  if (templates.length === 0) return null;
  const chosen = templates.find((x) => String(x.id) === chosenId);
  const nameIsAddress = values.customerName.includes('@');
  return (
    <div className="inline-field template-picker">
      <label className="inline-field">
        {t('templates.pick')}
        <select data-testid="reply-template" value={chosen ? chosenId : ''} onChange={(e) => setChosenId(e.target.value)}>
          <option value="">{t('templates.choose')}</option>
          {templates.map((x) => (
            <option key={x.id} value={x.id}>
              [{t(`templates.language.${x.language}`)}] {x.name}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        data-testid="reply-template-insert"
        disabled={!chosen}
        onClick={() => {
          if (chosen) onPick(fillTemplate(chosen.body, { ...values, operator }));
        }}
      >
        {t('templates.insert')}
      </button>
      {chosen && nameIsAddress && (
        <span className="hint" data-testid="reply-template-name-is-address">
          {t('templates.nameIsAddress')}
        </span>
      )}
    </div>
  );
}
