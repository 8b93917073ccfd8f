import { create } from 'zustand';
import type { Customer } from '../../shared/domain';

export const OFFLINE_CHANNELS = ['phone', 'post', 'fax'] as const;
export type OfflineChannel = (typeof OFFLINE_CHANNELS)[number];

/** What staff typed into 問い合わせを記録 so far. */
export interface OfflineEntry {
  channel: OfflineChannel;
  mode: 'existing' | 'new';
  existing: Customer | null;
  name: string;
  email: string;
  phone: string;
  address: string;
  /** The Tokyo time typed ("YYYY-MM-DDTHH:mm"); null until staff change it: the form shows when it was opened. */
  receivedLocal: string | null;
  subject: string;
  body: string;
  answeredDuringCall: boolean;
}

const EMPTY: OfflineEntry = { channel: 'phone', mode: 'new', existing: null, name: '', email: '', phone: '', address: '', receivedLocal: null, subject: '', body: '', answeredDuringCall: false };

interface OfflineEntryState {
  entry: OfflineEntry;
  edit(patch: Partial<OfflineEntry>): void;
  /** Recorded, cancelled, or the session locked: the next form starts empty. */
  reset(): void;
}

/**
 * The inquiry being logged, kept while staff look elsewhere (the caller's earlier inquiry in the
 * list beside the form, a customer's page) and come back, as reply drafts are kept.
 */
export const useOfflineEntry = create<OfflineEntryState>((set) => ({
  entry: EMPTY,
  edit: (patch) => set((state) => ({ entry: { ...state.entry, ...patch } })),
  reset: () => set({ entry: EMPTY }),
}));
