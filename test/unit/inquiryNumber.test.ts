import { describe, expect, it } from 'vitest';
import { inquiryNumberIn, replySubject } from '../../shared/inquiryNumber';

describe('the inquiry number in mail subjects', () => {
  it('reads it half- or full-width, anywhere in the subject', () => {
    expect(inquiryNumberIn('Re: 返品について [#12]')).toBe(12);
    expect(inquiryNumberIn('［＃１２］追加の質問')).toBe(12);
    expect(inquiryNumberIn('[＃345]')).toBe(345);
    expect(inquiryNumberIn('返品について #12')).toBeNull();
    expect(inquiryNumberIn('注文番号 [12]')).toBeNull();
  });

  it('writes "Re:" and the number into a reply subject once each', () => {
    expect(replySubject('返品について', 12)).toBe('Re: 返品について [#12]');
    expect(replySubject('Re: 返品について [#12]', 12)).toBe('Re: 返品について [#12]');
    expect(replySubject('ｒｅ：返品について', 12)).toBe('ｒｅ：返品について [#12]');
    // The customer quoted another inquiry's number: this one's is added.
    expect(replySubject('Re: [#7] の続き', 12)).toBe('Re: [#7] の続き [#12]');
  });
});
