import { PURPOSES, type ConsentChannel, type PurposeKey } from '../../shared/purposes';

export const ALL_CHANNELS: readonly ConsentChannel[] = ['email', 'post', 'phone', 'any'];

/**
 * The channels to send for one consent.record call (one call, so the change is atomic).
 * The main process gives purposes tracked once ("any") the channel "any" whatever is sent,
 * and gives a per-channel purpose every one of its channels when "any" is sent. So "any" is
 * sent only when no per-channel purpose is chosen; otherwise the ticked contact channels go,
 * and a per-channel purpose with none ticked is refused here with a clear message.
 */
export function consentChannelsToSend(
  purposes: readonly PurposeKey[],
  ticked: readonly ConsentChannel[],
): { channels: ConsentChannel[]; withoutChannel: PurposeKey[] } {
  const chosen = PURPOSES.filter((p) => purposes.includes(p.key));
  const perChannel = chosen.filter((p) => !p.channels.includes('any'));
  if (perChannel.length === 0) return { channels: ['any'], withoutChannel: [] };
  const contact = ALL_CHANNELS.filter((c) => c !== 'any' && ticked.includes(c) && perChannel.some((p) => p.channels.includes(c)));
  const withoutChannel = perChannel.filter((p) => !p.channels.some((c) => contact.includes(c))).map((p) => p.key);
  return { channels: contact, withoutChannel };
}
