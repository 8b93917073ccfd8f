import { create } from 'zustand';
import { call } from '../api/client';
import type { ExportLogRow, MailingListRow } from '../../shared/domain';
import { attempt } from './errors';

interface MarketingState {
  preview: { count: number; rows: MailingListRow[] } | null;
  log: ExportLogRow[];
  load(): Promise<void>;
  /** Returns the file to download, or undefined when the export failed. */
  /** `handedTo`: the contractor or department the list goes to (recorded with the export). */
  exportCsv(handedTo: string): Promise<{ filename: string; csv: string; count: number } | undefined>;
  /** The stop list of an earlier export (who on it may no longer be mailed), or undefined when it failed. */
  stopList(exportId: number): Promise<{ filename: string; csv: string; count: number } | undefined>;
  reset(): void;
}

export const useMarketing = create<MarketingState>()((set, get) => ({
  preview: null,
  log: [],
  async load() {
    const [preview, log] = await Promise.all([
      attempt(() => call('marketing.preview', {})),
      attempt(() => call('marketing.exportLog', {})),
    ]);
    set({ ...(preview ? { preview } : {}), ...(log ? { log } : {}) });
  },
  async exportCsv(handedTo) {
    const file = await attempt(() => call('marketing.exportCsv', { handedTo }));
    await get().load();
    return file;
  },
  async stopList(exportId) {
    return attempt(() => call('marketing.stopList', { exportId }));
  },
  reset() {
    set({ preview: null, log: [] });
  },
}));
