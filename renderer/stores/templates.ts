import { create } from 'zustand';
import { call } from '../api/client';
import type { MethodInput } from '../../shared/contract';
import type { ReplyTemplate } from '../../shared/domain';
import { attempt } from './errors';

interface TemplatesState {
  templates: ReplyTemplate[];
  loaded: boolean;
  load(): Promise<void>;
  save(input: MethodInput<'templates.save'>): Promise<ReplyTemplate | undefined>;
  remove(id: number): Promise<boolean>;
  reset(): void;
}

/** Canned replies, shared by the Settings editor and the reply box's picker. */
export const useTemplates = create<TemplatesState>()((set, get) => ({
  templates: [],
  loaded: false,
  async load() {
    const templates = await attempt(() => call('templates.list', {}));
    if (templates) set({ templates, loaded: true });
  },
  async save(input) {
    const saved = await attempt(() => call('templates.save', input));
    if (saved) await get().load();
    return saved;
  },
  async remove(id) {
    const done = await attempt(() => call('templates.remove', { id }));
    if (done) await get().load();
    return done !== undefined;
  },
  reset() {
    set({ templates: [], loaded: false });
  },
}));
