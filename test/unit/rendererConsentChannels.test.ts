import { describe, expect, it } from 'vitest';
import { consentChannelsToSend } from '../../renderer/lib/consentChannels';

describe('which channels the consent form sends', () => {
  it('sends the ticked contact channels for the marketing purpose', () => {
    expect(consentChannelsToSend(['new_product_information'], ['email'])).toEqual({ channels: ['email'], withoutChannel: [] });
  });

  it('never sends "any" alongside a per-channel purpose, so an e-mail opt-out does not also stop post and phone', () => {
    const plan = consentChannelsToSend(['new_product_information', 'internal_marketing_analysis'], ['email', 'any']);
    expect(plan.channels).toEqual(['email']);
  });

  it('sends "any" for purposes tracked once', () => {
    expect(consentChannelsToSend(['order_fulfilment', 'inquiry_response'], [])).toEqual({ channels: ['any'], withoutChannel: [] });
  });

  it('refuses a per-channel purpose with no contact channel ticked', () => {
    expect(consentChannelsToSend(['new_product_information'], []).withoutChannel).toEqual(['new_product_information']);
  });
});
