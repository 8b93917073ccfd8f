import type { ConsentChannel } from '../../shared/purposes';
import { PURPOSES } from '../../shared/purposes';
import type { ConsentEvent, ConsentState } from '../../shared/domain';

/**
 * A customer's current position for every purpose and channel, derived from the append-only
 * history: the latest record wins; with no record, a consent-based purpose is not permitted
 * and a policy-based purpose is (the policy announces it; the customer may withdraw).
 */
export function currentConsentStates(history: readonly ConsentEvent[]): ConsentState[] {
  const latest = new Map<string, ConsentEvent>();
  for (const event of history) {
    const key = `${event.purpose}/${event.channel}`;
    const seen = latest.get(key);
    if (!seen || event.id > seen.id) latest.set(key, event);
  }
  return PURPOSES.flatMap((purpose) =>
    purpose.channels.map((channel): ConsentState => {
      const event = latest.get(`${purpose.key}/${channel}`);
      if (!event) {
        return {
          purpose: purpose.key,
          channel,
          state: purpose.basis === 'consent' ? 'not_consented' : 'permitted',
          since: null,
          lastEventId: null,
        };
      }
      return {
        purpose: purpose.key,
        channel,
        state: event.action === 'grant' ? 'permitted' : 'withdrawn',
        since: event.recordedAt,
        lastEventId: event.id,
      };
    }),
  );
}

/**
 * The channels a request applies to for one purpose: purposes tracked per channel take the
 * chosen channels they have ("any" meaning all of them); purposes tracked once take "any".
 */
export function channelsForPurpose(purposeChannels: readonly ConsentChannel[], chosen: readonly ConsentChannel[]): ConsentChannel[] {
  if (purposeChannels.length === 1 && purposeChannels[0] === 'any') return ['any'];
  if (chosen.includes('any')) return [...purposeChannels];
  return purposeChannels.filter((c) => chosen.includes(c));
}
