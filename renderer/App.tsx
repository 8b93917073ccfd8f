import { useSession } from './stores/session';
import { SessionGate } from './screens/SessionGate';
import { Shell } from './screens/Shell';

export function App() {
  const unlocked = useSession((s) => s.status?.unlocked ?? false);
  return unlocked ? <Shell /> : <SessionGate />;
}
