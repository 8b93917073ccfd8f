import { create } from 'zustand';
import { call } from '../api/client';
import type { Customer } from '../../shared/domain';
import { attempt } from './errors';

interface CustomersState {
  query: string;
  results: Customer[];
  searched: boolean;
  search(query: string): Promise<void>;
  /** The same search again, once a customer's details changed (the list shows them as they were). */
  refresh(): Promise<void>;
  reset(): void;
}

let generation = 0;

/** The customers list screen's search. */
export const useCustomers = create<CustomersState>()((set, get) => ({
  query: '',
  results: [],
  searched: false,
  async search(query) {
    const mine = ++generation;
    set({ query });
    const results = await attempt(() => call('customers.search', { query: query.trim() }));
    if (mine !== generation || !results) return;
    set({ results, searched: true });
  },
  async refresh() {
    if (get().searched) await get().search(get().query);
  },
  reset() {
    generation++;
    set({ query: '', results: [], searched: false });
  },
}));
