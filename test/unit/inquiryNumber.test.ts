import { describe, expect, it } from 'vitest';
import { inquiryNumbersIn, replySubject } from '../../shared/inquiryNumber';

describe('the inquiry number in mail subjects', () => {
  it('reads it half- or full-width, anywhere in the subject', () => {
    expect(inquiryNumbersIn('Re: 返品について [#12]')).toEqual([12]);
    expect(inquiryNumbersIn('［＃１２］追加の質問')).toEqual([12]);
    expect(inquiryNumbersIn('[＃345]')).toEqual([345]);
    expect(inquiryNumbersIn('返品について #12')).toEqual([]);
    expect(inquiryNumbersIn('注文番号 [12]')).toEqual([]);
  });

  it('reads every number a subject carries, the last written (Madoguchi\'s own tag) first', () => {
    expect(inquiryNumbersIn('Re: Fwd: 障害報告 [#1234] [#88]')).toEqual([88, 1234]);
    expect(replySubject('Re: Fwd: 障害報告 [#1234] [#88]', 88)).toBe('Re: Fwd: 障害報告 [#1234] [#88]');
  });

  it('writes "Re:" and the number into a reply subject once each', () => {
    expect(replySubject('返品について', 12)).toBe('Re: 返品について [#12]');
    // A mail without a subject (stored as "(件名なし)", which the reply leaves out) is answered as mail clients do.
    expect(replySubject('', 12)).toBe('Re: [#12]');
    expect(replySubject('Re: 返品について [#12]', 12)).toBe('Re: 返品について [#12]');
    expect(replySubject('ｒｅ：返品について', 12)).toBe('ｒｅ：返品について [#12]');
    // The customer quoted another inquiry's number: this one's is added.
    expect(replySubject('Re: [#7] の続き', 12)).toBe('Re: [#7] の続き [#12]');
  });
});
