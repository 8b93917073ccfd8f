import { create } from 'zustand';
import { useNotices } from './notices';

/** In-memory navigation: the app has no URLs worth sharing (and the loopback token must not be in one). */
export type Route =
  | { screen: 'inbox'; inquiryId?: number; logOffline?: boolean }
  | { screen: 'customers'; customerId?: number }
  | { screen: 'marketing' }
  | { screen: 'reports' }
  | { screen: 'settings' };

export type ScreenName = Route['screen'];

interface NavState {
  route: Route;
  go(route: Route): void;
}

export const useNav = create<NavState>()((set, get) => ({
  route: { screen: 'inbox' },
  go(route) {
    // A notice describes what was just done on this screen; on another screen it would mislead.
    if (route.screen !== get().route.screen) useNotices.getState().clear();
    set({ route });
  },
}));
