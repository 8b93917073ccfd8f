import { create } from 'zustand';
import { ApiError } from '../api/client';

export interface BannerError {
  id: number;
  code: string;
  message: string;
}

interface ErrorsState {
  errors: BannerError[];
  report(error: unknown): void;
  dismiss(id: number): void;
  clear(): void;
}

let nextId = 1;

/** Every failed call lands here and is shown in the error banner until staff dismiss it. */
export const useErrors = create<ErrorsState>()((set) => ({
  errors: [],
  report(error) {
    const code = error instanceof ApiError ? error.code : 'INTERNAL';
    const message = error instanceof Error ? error.message : String(error);
    set((state) => {
      // The same failure twice in a row (e.g. a refetch after a push) is shown once.
      const last = state.errors[state.errors.length - 1];
      if (last && last.code === code && last.message === message) return state;
      return { errors: [...state.errors, { id: nextId++, code, message }].slice(-5) };
    });
  },
  dismiss(id) {
    set((state) => ({ errors: state.errors.filter((e) => e.id !== id) }));
  },
  clear() {
    set({ errors: [] });
  },
}));

/** Runs a call; on failure reports it to the banner and resolves undefined. */
export async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    useErrors.getState().report(error);
    return undefined;
  }
}
