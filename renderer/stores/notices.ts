import { create } from 'zustand';

export interface Notice {
  id: number;
  /** Already translated when the action finished: it describes what was done then. */
  text: string;
  /** Present when the action can be undone from the notice. */
  undo?: { label: string; run: () => Promise<void> };
}

interface NoticesState {
  notice: Notice | null;
  show(text: string, undo?: Notice['undo']): void;
  clear(): void;
}

let nextId = 1;

/** "Every action that changes data says what it did": the last such message, with undo where possible. */
export const useNotices = create<NoticesState>()((set) => ({
  notice: null,
  show(text, undo) {
    set({ notice: { id: nextId++, text, ...(undo ? { undo } : {}) } });
  },
  clear() {
    set({ notice: null });
  },
}));
