import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { connectionState, onConnectionChange, type ConnectionState } from '../api/client';

/** Visible only while the loopback connection is down. */
export function ConnectionIndicator() {
  const { t } = useTranslation();
  const [state, setState] = useState<ConnectionState>(connectionState());
  useEffect(() => onConnectionChange(setState), []);
  if (state === 'open') return null;
  return (
    <span className="connection-indicator" data-testid="connection-state" data-state={state} role="status">
      {t(`connection.${state}`)}
    </span>
  );
}
