import { create } from 'zustand';
import { call } from '../api/client';
import type { AttachmentInfo } from '../../shared/domain';
import { downloadBytes } from '../lib/download';
import { attempt } from './errors';

/** Inline images larger than this are listed as attachments but not drawn inside the mail. */
const MAX_INLINE_IMAGE_BYTES = 5 * 1024 * 1024;

interface AttachmentsState {
  /** data: URLs of inline (cid:) images by attachment id; filled on demand, dropped on lock. */
  inline: Record<number, string>;
  /** Loads the inline images of a message (images with a Content-ID, kept, small enough). */
  loadInline(attachments: readonly AttachmentInfo[]): Promise<void>;
  download(attachment: AttachmentInfo): Promise<boolean>;
  /** Deletes its content as card data (see attachments.remove); the open inquiry reloads on the push that follows. */
  remove(attachment: AttachmentInfo): Promise<boolean>;
  reset(): void;
}

export const isInlineImage = (a: AttachmentInfo) =>
  a.contentId !== null && a.kept && a.contentType.startsWith('image/') && !a.contentType.includes('svg') && a.size <= MAX_INLINE_IMAGE_BYTES;

export const useAttachments = create<AttachmentsState>()((set, get) => ({
  inline: {},
  async loadInline(attachments) {
    const wanted = attachments.filter((a) => isInlineImage(a) && get().inline[a.id] === undefined);
    for (const a of wanted) {
      const file = await attempt(() => call('attachments.download', { id: a.id }));
      if (!file) continue;
      set((state) => ({ inline: { ...state.inline, [a.id]: `data:${a.contentType};base64,${file.base64}` } }));
    }
  },
  async download(attachment) {
    const file = await attempt(() => call('attachments.download', { id: attachment.id }));
    if (!file) return false;
    downloadBytes(file.fileName, file.base64, file.contentType);
    return true;
  },
  async remove(attachment) {
    const removed = await attempt(() => call('attachments.remove', { id: attachment.id }));
    if (!removed) return false;
    // An inline image drawn from it goes too.
    set((state) => {
      const { [attachment.id]: _gone, ...inline } = state.inline;
      return { inline };
    });
    return true;
  },
  reset() {
    set({ inline: {} });
  },
}));
