import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentInfo, ForwardedMessage, Message } from '../../shared/domain';
import { formatBytes, tokyoDateTimeOrNone } from '../lib/format';
import { LINK_ATTRIBUTE, isOpenableLink, sanitizeMailHtml } from '../lib/mailHtml';
import i18n from '../i18n';
import { isInlineImage, useAttachments } from '../stores/attachments';
import { useInquiry } from '../stores/inquiry';
import { useNotices } from '../stores/notices';

/** The tallest the mail frame grows before it scrolls inside. */
const MAX_FRAME_HEIGHT = 1600;

/**
 * The sanitised HTML of one mail in a sandboxed frame. `allow-same-origin` without
 * `allow-scripts`: nothing in the mail can run (the sandbox, the frame's own CSP and DOMPurify
 * each forbid it), and same-origin lets this component measure the content and catch link
 * clicks, so that a link opens only after staff confirm its real address.
 */
function MailHtmlFrame({ document: html, onLink, title }: { document: string; onLink: (url: string) => void; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(200);

  useEffect(() => {
    const element = frame.current;
    if (!element) return;
    let attachedTo: Document | null = null;
    const onClick = (event: Event) => {
      // The target belongs to the frame's realm, so `instanceof Element` (this realm's) would be false.
      const target = event.target as Partial<Element> | null;
      const link = typeof target?.closest === 'function' ? target.closest(`[${LINK_ATTRIBUTE}]`) : null;
      if (!link) return;
      event.preventDefault();
      onLink(link.getAttribute(LINK_ATTRIBUTE) ?? '');
    };
    // A link reached with Tab opens (after the same confirmation) with Enter, as a link does.
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Enter') onClick(event);
    };
    const attach = () => {
      const doc = element.contentDocument;
      if (!doc || doc.URL !== 'about:srcdoc' || !doc.documentElement || attachedTo === doc) return;
      attachedTo = doc;
      setHeight(Math.min(MAX_FRAME_HEIGHT, Math.max(80, doc.documentElement.scrollHeight + 4)));
      doc.addEventListener('click', onClick);
      doc.addEventListener('keydown', onKeyDown);
    };
    element.addEventListener('load', attach);
    // The frame may have finished loading before this effect ran.
    if (element.contentDocument?.readyState === 'complete') attach();
    return () => {
      element.removeEventListener('load', attach);
      attachedTo?.removeEventListener('click', onClick);
      attachedTo?.removeEventListener('keydown', onKeyDown);
    };
  }, [html, onLink]);

  return (
    <iframe
      ref={frame}
      className="mail-html-frame"
      data-testid="message-html-frame"
      title={title}
      sandbox="allow-same-origin"
      referrerPolicy="no-referrer"
      srcDoc={html}
      style={{ height }}
    />
  );
}

function LinkConfirm({ url, onClose }: { url: string; onClose: () => void }) {
  const { t } = useTranslation();
  const openable = isOpenableLink(url);
  const dialog = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  // A modal dialog: focus moves into it (to the safe choice), Escape closes it, and focus goes back to where it was.
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.current?.querySelector<HTMLButtonElement>('[data-testid="link-confirm-cancel"]')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      before?.focus();
    };
  }, []);
  const open = () => {
    // noopener: the opened page gets no handle on Madoguchi. (In Electron the shell's window-open
    // handler decides; see electron/shell/hardening.ts.)
    window.open(url, '_blank', 'noopener,noreferrer');
    onClose();
  };
  return (
    <div className="dialog-backdrop" role="presentation">
      <div ref={dialog} className="dialog card" role="dialog" aria-modal="true" aria-labelledby="link-confirm-title" data-testid="link-confirm">
        <h3 id="link-confirm-title">{t('mail.linkTitle')}</h3>
        {openable ? <p>{t('mail.linkBody')}</p> : <p className="warning">{t('mail.linkUnsupported')}</p>}
        <p className="link-url" data-testid="link-confirm-url">
          {url}
        </p>
        <div className="form-actions">
          <button type="button" onClick={onClose} data-testid="link-confirm-cancel">
            {t('common.cancel')}
          </button>
          {openable && (
            <button type="button" className="primary" onClick={open} data-testid="link-confirm-open">
              {t('mail.linkOpen')}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}

function AttachmentList({ attachments, drawn }: { attachments: readonly AttachmentInfo[]; drawn: ReadonlySet<number> }) {
  const { t } = useTranslation();
  const download = useAttachments((s) => s.download);
  if (attachments.length === 0) return null;
  return (
    <div className="attachments" data-testid="message-attachments">
      <div className="muted">{t('mail.attachments', { count: attachments.length })}</div>
      <ul>
        {attachments.map((a) => (
          <li key={a.id} data-testid={`attachment-${a.id}`} data-dangerous={a.dangerous ? 'true' : 'false'}>
            <span className="attachment-name" data-testid="attachment-name">
              {a.fileName || t('mail.unnamed')}
            </span>
            <span className="muted nowrap" data-testid="attachment-size">
              {formatBytes(a.size)}
            </span>
            {drawn.has(a.id) && (
              <span className="muted nowrap" data-testid="attachment-drawn">
                {t('mail.drawnInMail')}
              </span>
            )}
            {a.dangerous && (
              <span className="badge danger" data-testid="attachment-dangerous" title={t('mail.dangerousHint')}>
                {t('mail.dangerous')}
              </span>
            )}
            {a.removedBy !== undefined && a.removedAt !== undefined ? (
              <span className="muted" data-testid="attachment-removed">
                {t('mail.removed', { by: a.removedBy, at: tokyoDateTimeOrNone(a.removedAt) })}
              </span>
            ) : a.withheld ? (
              <span className="muted" data-testid="attachment-withheld">
                {t(a.contentType === 'message/rfc822' ? 'mail.withheldForwarded' : 'mail.withheld')}
              </span>
            ) : a.kept ? (
              <>
                <button type="button" className="link-button" data-testid="attachment-download" onClick={() => void download(a)}>
                  {t('mail.download')}
                </button>
                <RemoveAsCardData attachment={a} />
              </>
            ) : (
              <span className="muted" data-testid="attachment-not-kept">
                {t('mail.notKept')}
              </span>
            )}
          </li>
        ))}
      </ul>
      {attachments.some((a) => a.dangerous) && <p className="hint warning">{t('mail.dangerousHint')}</p>}
    </div>
  );
}

/** Deleting a kept file that shows card data, after staff confirm it: it cannot be undone. */
function RemoveAsCardData({ attachment }: { attachment: AttachmentInfo }) {
  const { t } = useTranslation();
  const remove = useAttachments((s) => s.remove);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="link-button" data-testid="attachment-remove" title={t('mail.removeHint')} onClick={() => setAsking(true)}>
        {t('mail.remove')}
      </button>
    );
  }
  return (
    <span className="attachment-remove-confirm" role="group" data-testid="attachment-remove-question">
      {t('mail.removeQuestion', { name: attachment.fileName || t('mail.unnamed') })}{' '}
      <button
        type="button"
        className="danger"
        data-testid="attachment-remove-confirm"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          const removed = await remove(attachment);
          if (removed) {
            useNotices.getState().show(i18n.t('mail.removedNotice', { name: attachment.fileName || i18n.t('mail.unnamed') }));
            // Shown as deleted once the inquiry is read again, not as it was in between.
            await useInquiry.getState().reload();
          }
          setBusy(false);
          setAsking(false);
        }}
      >
        {t('mail.removeConfirm')}
      </button>{' '}
      <button type="button" disabled={busy} onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
}

/** A message's body and attachments, then the messages forwarded in it, each in a block of its own. */
export function MessageContent({ message }: { message: Message }) {
  return (
    <>
      <MailBody body={message.body} html={message.html} attachments={message.attachments} />
      <ForwardedMessages all={message.forwarded ?? []} parentId={null} />
    </>
  );
}

/**
 * The forwarded messages under `parentId` (null: forwarded in the mail itself), each a
 * collapsible block with its headers, its body shown exactly as a mail's own (the same sanitising,
 * sandboxed frame and blocked remote content, with its own switch) and its attachments, then the
 * messages forwarded inside it. Open at first: a forward is usually what the customer is asking about.
 */
function ForwardedMessages({ all, parentId }: { all: readonly ForwardedMessage[]; parentId: number | null }) {
  const { t } = useTranslation();
  const children = all.filter((f) => f.parentId === parentId);
  if (children.length === 0) return null;
  return (
    <>
      {children.map((f) => (
        <details key={f.id} className="forwarded-message" open data-testid="forwarded-message">
          <summary data-testid="forwarded-summary">
            <span className="forwarded-label">{t('mail.forwarded')}</span> <span data-testid="forwarded-subject">{f.subject || t('mail.noSubject')}</span>
          </summary>
          <dl className="forwarded-headers" data-testid="forwarded-headers">
            {(['from', 'to', 'cc'] as const).map((field) =>
              f[field] ? (
                <div key={field}>
                  <dt>{t(`mail.forwardedHeader.${field}`)}</dt>
                  <dd data-testid={`forwarded-${field}`}>{f[field]}</dd>
                </div>
              ) : null,
            )}
            <div>
              <dt>{t('mail.forwardedHeader.date')}</dt>
              <dd data-testid="forwarded-date">{f.date ? tokyoDateTimeOrNone(f.date) : t('mail.forwardedNoDate')}</dd>
            </div>
            <div>
              <dt>{t('mail.forwardedHeader.subject')}</dt>
              <dd>{f.subject || t('mail.noSubject')}</dd>
            </div>
          </dl>
          <MailBody body={f.body} html={f.html} attachments={f.attachments} />
          <ForwardedMessages all={all} parentId={f.id} />
        </details>
      ))}
    </>
  );
}

/** A body: the sanitised HTML when there is one (with a switch to the text), else the text; then its attachments. */
function MailBody({ body, html, attachments: listed }: { body: string; html?: string | null | undefined; attachments?: readonly AttachmentInfo[] | undefined }) {
  const { t } = useTranslation();
  const attachments = useMemo(() => listed ?? [], [listed]);
  const hasHtml = typeof html === 'string' && html.trim() !== '';
  const [view, setView] = useState<'html' | 'text'>('html');
  const [allowRemote, setAllowRemote] = useState(false);
  const [link, setLink] = useState<string | null>(null);
  const inline = useAttachments((s) => s.inline);
  const loadInline = useAttachments((s) => s.loadInline);

  useEffect(() => {
    if (hasHtml) void loadInline(attachments);
  }, [hasHtml, attachments, loadInline]);

  const inlineImages = useMemo(() => {
    const map = new Map<string, string>();
    for (const a of attachments) {
      const url = inline[a.id];
      if (a.contentId && url && isInlineImage(a)) map.set(a.contentId, url);
    }
    return map;
  }, [attachments, inline]);

  const sanitized = useMemo(
    () => (hasHtml ? sanitizeMailHtml(html as string, { allowRemote, inlineImages }) : null),
    [hasHtml, html, allowRemote, inlineImages],
  );
  // Images drawn inside the mail are listed too, marked so: a photo of a card pasted into the body must be deletable.
  const drawn = new Set(attachments.filter((a) => hasHtml && view === 'html' && isInlineImage(a) && inlineImages.has(a.contentId ?? '')).map((a) => a.id));

  return (
    <>
      {sanitized && (
        <div className="message-view-switch toolbar">
          <button type="button" className={view === 'html' ? 'active' : ''} data-testid="message-view-html" aria-pressed={view === 'html'} onClick={() => setView('html')}>
            {t('mail.showHtml')}
          </button>
          <button type="button" className={view === 'text' ? 'active' : ''} data-testid="message-view-text" aria-pressed={view === 'text'} onClick={() => setView('text')}>
            {t('mail.showText')}
          </button>
          {view === 'html' && sanitized.blockedRemote > 0 && !allowRemote && (
            <>
              <span className="hint" data-testid="remote-blocked">
                {t('mail.remoteBlocked', { count: sanitized.blockedRemote })}
              </span>
              <button type="button" data-testid="load-remote" onClick={() => setAllowRemote(true)}>
                {t('mail.loadRemote')}
              </button>
            </>
          )}
          {view === 'html' && allowRemote && (
            <span className="hint" data-testid="remote-loaded">
              {t('mail.remoteLoaded')}
            </span>
          )}
        </div>
      )}
      {sanitized && view === 'html' ? (
        <MailHtmlFrame document={sanitized.document} onLink={setLink} title={t('mail.htmlFrameTitle')} />
      ) : (
        <div className="message-body" data-testid="message-body">
          {body}
        </div>
      )}
      <AttachmentList attachments={attachments} drawn={drawn} />
      {link !== null && <LinkConfirm url={link} onClose={() => setLink(null)} />}
    </>
  );
}
