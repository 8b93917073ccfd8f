import { useEffect } from 'react';
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

  if (templates.length === 0) return null;
  return (
    <label className="inline-field">
      {t('templates.pick')}
      <select
        data-testid="reply-template"
        value=""
        onChange={(e) => {
          const chosen = templates.find((x) => String(x.id) === e.target.value);
          if (chosen) onPick(fillTemplate(chosen.body, { ...values, operator }));
        }}
      >
        <option value="">{t('templates.choose')}</option>
        {templates.map((x) => (
          <option key={x.id} value={x.id}>
            [{t(`templates.language.${x.language}`)}] {x.name}
          </option>
        ))}
      </select>
    </label>
  );
}
