import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { DovecotServer } from '../support/dovecot';
import { autoReplyMail, japaneseMail, replyMail } from '../support/mailFixtures';
import { useSupportMailbox } from '../support/supportMailbox';
import type { SmtpReceiver } from '../support/smtpReceiver';
import type { TestApp } from '../support/testApp';

const SUPPORT = 'support@toot.example';

/**
 * A mail joins a thread by its headers whoever sent it: another customer copied on it, replying
 * to all. What they wrote there is theirs, not the thread owner's: disclosed to them (and not taken
 * for the owner's address), and deleted with their registration.
 */
describe("another customer's mail in a customer's thread, against real Dovecot", () => {
  let dovecot: DovecotServer;
  let t: TestApp;
  let accountId: number;
  let smtp: SmtpReceiver;
  useSupportMailbox((mailbox) => ({ dovecot, t, accountId, smtp } = mailbox));

  async function threadWithAnotherCustomer() {
    await dovecot.appendMails([
      japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: SUPPORT, subject: '社内研修の申込み', text: '研修に申し込みます。', messageId: '<hanako-1@example.jp>' }),
      japaneseMail({ from: 'taro@example.jp', fromName: '佐藤太郎', to: SUPPORT, subject: '見積もりの依頼', text: '見積もりをお願いします。', messageId: '<taro-1@example.jp>' }),
    ]);
    await t.call('sync.run', { accountId });
    // Taro, copied on Hanako's mail, answers in her thread; someone no customer is, too; then an auto-reply from Taro.
    await dovecot.appendMails([
      replyMail({ from: 'taro@example.jp', fromName: '佐藤太郎', to: SUPPORT, subject: 'Re: 社内研修の申込み', text: '私も参加します。佐藤の携帯 090-1111-2222', messageId: '<taro-2@example.jp>', parentMessageId: '<hanako-1@example.jp>' }),
      replyMail({ from: 'hanako.home@example.jp', fromName: '山田花子', to: SUPPORT, subject: 'Re: 社内研修の申込み', text: '自宅から失礼します。', messageId: '<hanako-2@example.jp>', parentMessageId: '<hanako-1@example.jp>' }),
      autoReplyMail('auto-submitted', { from: 'taro@example.jp', fromName: '佐藤太郎', subject: '不在: 佐藤太郎' }),
    ]);
    await t.call('sync.run', { accountId });
    const inquiries = await t.call('inquiries.list', {});
    const hanako = inquiries.find((i) => i.subject === '社内研修の申込み')!;
    const taro = inquiries.find((i) => i.subject === '見積もりの依頼')!;
    expect((await t.call('inquiries.get', { id: hanako.id })).messages.map((m) => m.fromAddress)).toEqual(['hanako@example.jp', 'taro@example.jp', 'hanako.home@example.jp']);
    return { hanako, taro };
  }

  const disclose = (id: number) => t.call('customers.disclose', { id, source: 'email', evidence: '本人確認済み' });

  it('discloses to the other customer what they wrote in the thread, alone, and does not take their address for the owner’s', async () => {
    const { hanako, taro } = await threadWithAnotherCustomer();
    const toTaro = await disclose(taro.customerId);
    expect(toTaro.writtenElsewhere.map(({ inquiryId, message }) => [inquiryId, message.body])).toEqual([[hanako.id, '私も参加します。佐藤の携帯 090-1111-2222']]);
    expect(toTaro.inquiries.map((i) => i.inquiry.id)).toEqual([taro.id]);
    expect(toTaro.setAside.map((mail) => mail.subject)).toEqual(['不在: 佐藤太郎']);

    // Hanako's thread holds Taro's mail (withheld from her disclosure), but his set-aside mail is not hers;
    // the address no customer has is presumed hers (her other address).
    const toHanako = await disclose(hanako.customerId);
    expect(toHanako.setAside).toEqual([]);
    expect(toHanako.writtenElsewhere).toEqual([]);
  });

  it('deletes what the other customer wrote in the thread with their registration, and leaves the owner’s mail', async () => {
    const { hanako, taro } = await threadWithAnotherCustomer();
    await t.call('customers.cancelRegistration', { id: taro.customerId, deleteInquiryContents: true, source: 'email', evidence: '退会の依頼' });
    const thread = (await t.call('inquiries.get', { id: hanako.id })).messages;
    expect(thread.map((m) => [m.fromAddress, m.body])).toEqual([
      ['hanako@example.jp', '研修に申し込みます。'],
      [null, ''],
      ['hanako.home@example.jp', '自宅から失礼します。'],
    ]);
    expect((await t.call('inquiries.get', { id: hanako.id })).inquiry.subject).toBe('社内研修の申込み');
    expect(JSON.stringify(await disclose(hanako.customerId))).not.toContain('090-1111-2222');
  });

  it("marks the other customer's mail in the thread, lists the thread on their page, and takes their opt-out with it as its source", async () => {
    const { hanako, taro } = await threadWithAnotherCustomer();
    const thread = await t.call('inquiries.get', { id: hanako.id });
    // Only Taro's mail is someone else's: the one from an address no customer has is presumed Hanako's.
    expect(thread.messages.map((m) => [m.fromAddress, m.senderCustomerId])).toEqual([
      ['hanako@example.jp', undefined],
      ['taro@example.jp', taro.customerId],
      ['hanako.home@example.jp', undefined],
    ]);
    expect(thread.participants.map((c) => [c.id, c.name])).toEqual([[taro.customerId, '佐藤太郎']]);
    expect((await t.call('customers.get', { id: taro.customerId })).wroteIn.map((i) => i.id)).toEqual([hanako.id]);
    expect((await t.call('customers.get', { id: hanako.customerId })).wroteIn).toEqual([]);

    // Taro asked in Hanako's thread to be sent no more: recorded for him, with her inquiry as where he asked.
    await t.call('consent.record', { customerId: taro.customerId, action: 'withdraw', purposes: ['new_product_information'], channels: ['email'], source: 'email', sourceInquiryId: hanako.id, evidence: 'スレッド内で配信停止の依頼' });
    const [event] = (await t.call('customers.get', { id: taro.customerId })).history;
    expect(event).toMatchObject({ action: 'withdraw', sourceInquiryId: hanako.id });
    expect((await t.call('customers.get', { id: hanako.customerId })).history).toEqual([]);
    // Hanako wrote nothing in Taro's inquiry: it is no source of hers.
    await expect(
      t.call('consent.record', { customerId: hanako.customerId, action: 'withdraw', purposes: ['new_product_information'], channels: ['email'], source: 'email', sourceInquiryId: taro.id, evidence: '配信停止' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/holds no mail of theirs/) });

    // What is disclosed to either is their own: Hanako's document says a mail came from someone else, and when, nothing of it;
    // Taro's holds what he wrote, not whose thread it is in.
    const toHanako = await disclose(hanako.customerId);
    const withheld = toHanako.inquiries.flatMap((i) => i.messages).filter((m) => m.withheld);
    expect(withheld.map((m) => [m.body, m.fromAddress, m.subject, m.senderCustomerId])).toEqual([['', null, '', undefined]]);
    // (The operator, who disclosed it, is a 佐藤 too.)
    for (const his of ['佐藤太郎', 'taro', '090-1111-2222', '私も参加します']) expect(JSON.stringify(toHanako)).not.toContain(his);
    const toTaro = await disclose(taro.customerId);
    // His own, in full: nothing marks it as someone else's, to be left out of his document.
    expect(toTaro.writtenElsewhere.map(({ message }) => [message.body, message.withheld, message.senderCustomerId])).toEqual([['私も参加します。佐藤の携帯 090-1111-2222', undefined, undefined]]);
    for (const hers of ['山田', 'hanako', '研修に申し込みます']) expect(JSON.stringify(toTaro)).not.toContain(hers);
  });

  it("mail of another customer's stays theirs when their address changes or their registration is cancelled with the contents kept", async () => {
    await dovecot.appendMails([
      japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: SUPPORT, subject: '社内研修の申込み', text: '研修に申し込みます。', messageId: '<hanako-1@example.jp>' }),
      // Taro is no customer yet when he answers in her thread: his mail is presumed hers until he is one.
      replyMail({ from: 'taro@example.jp', fromName: '佐藤太郎', to: SUPPORT, subject: 'Re: 社内研修の申込み', text: '私も参加します。', messageId: '<taro-2@example.jp>', parentMessageId: '<hanako-1@example.jp>' }),
      japaneseMail({ from: 'taro@example.jp', fromName: '佐藤太郎', to: SUPPORT, subject: '見積もりの依頼', text: '見積もりをお願いします。', messageId: '<taro-1@example.jp>' }),
    ]);
    await t.call('sync.run', { accountId });
    const inquiries = await t.call('inquiries.list', {});
    const hanako = inquiries.find((i) => i.subject === '社内研修の申込み')!;
    const taroId = inquiries.find((i) => i.subject === '見積もりの依頼')!.customerId;
    const owners = async () => (await t.call('inquiries.get', { id: hanako.id })).messages.map((m) => m.senderCustomerId);
    expect(await owners()).toEqual([undefined, taroId]);

    await t.call('customers.amend', {
      id: taroId, name: '佐藤太郎', email: 'taro.sato@example.jp', phone: '', postalAddress: '',
      before: { name: '佐藤太郎', email: 'taro@example.jp', phone: null, postalAddress: null }, source: 'email', evidence: 'アドレス変更の連絡',
    });
    expect(await owners()).toEqual([undefined, taroId]);
    await t.call('customers.cancelRegistration', { id: taroId, deleteInquiryContents: false, source: 'email', evidence: '退会の依頼' });
    expect(await owners()).toEqual([undefined, taroId]);

    // Someone else writes from his old address: a new customer, to whom nothing of Taro's passes.
    await dovecot.appendMail(japaneseMail({ from: 'taro@example.jp', fromName: '鈴木次郎', to: SUPPORT, subject: '新規のご相談', text: '鈴木です。', messageId: '<suzuki-1@example.jp>' }));
    await t.call('sync.run', { accountId });
    const suzukiId = (await t.call('inquiries.list', {})).find((i) => i.subject === '新規のご相談')!.customerId;
    expect(await owners()).toEqual([undefined, taroId]);
    expect((await t.call('customers.get', { id: suzukiId })).wroteIn).toEqual([]);
    expect(JSON.stringify(await disclose(suzukiId))).not.toContain('私も参加します');
  });

  it("a mail presumed the thread owner's stays open to its writer when the owner's address changes or her registration is cancelled", async () => {
    await dovecot.appendMails([
      japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: SUPPORT, subject: '社内研修の申込み', text: '研修に申し込みます。', messageId: '<hanako-1@example.jp>' }),
      replyMail({ from: 'taro@example.jp', fromName: '佐藤太郎', to: SUPPORT, subject: 'Re: 社内研修の申込み', text: '私も参加します。', messageId: '<taro-2@example.jp>', parentMessageId: '<hanako-1@example.jp>' }),
    ]);
    await t.call('sync.run', { accountId });
    const [hanako] = await t.call('inquiries.list', {});
    await t.call('customers.amend', {
      id: hanako!.customerId, name: '山田花子', email: 'hanako.yamada@example.jp', phone: '', postalAddress: '',
      before: { name: '山田花子', email: 'hanako@example.jp', phone: null, postalAddress: null }, source: 'email', evidence: 'アドレス変更の連絡',
    });
    await t.call('customers.cancelRegistration', { id: hanako!.customerId, deleteInquiryContents: false, source: 'email', evidence: '退会の依頼' });
    // Taro becomes a customer: the mail he wrote is his, not hers.
    await dovecot.appendMail(japaneseMail({ from: 'taro@example.jp', fromName: '佐藤太郎', to: SUPPORT, subject: '見積もりの依頼', text: '見積もりをお願いします。', messageId: '<taro-1@example.jp>' }));
    await t.call('sync.run', { accountId });
    const taroId = (await t.call('inquiries.list', {})).find((i) => i.subject === '見積もりの依頼')!.customerId;
    expect((await t.call('inquiries.get', { id: hanako!.id })).messages.map((m) => m.senderCustomerId)).toEqual([undefined, taroId]);
    expect((await disclose(taroId)).writtenElsewhere.map(({ message }) => message.body)).toEqual(['私も参加します。']);
  });

  it("a reply, which goes to the thread's customer, answers and quotes only their own mail: not that of someone else in the thread, which may never have reached them", async () => {
    const { hanako, taro } = await threadWithAnotherCustomer();
    await dovecot.appendMail(
      replyMail({ from: 'taro@example.jp', fromName: '佐藤太郎', to: SUPPORT, subject: 'Re: 社内研修の申込み', text: '日程を教えてください。', messageId: '<taro-3@example.jp>', parentMessageId: '<hanako-2@example.jp>' }),
    );
    await t.call('sync.run', { accountId });

    // Taro wrote last (to us alone), and someone from an address no customer has before him: the reply to Hanako shows neither.
    const toHanako = await t.call('inquiries.reply', { inquiryId: hanako.id, body: '日程は来週お知らせします。' });
    expect(toHanako.body).toMatch(/、山田花子様:\n> 研修に申し込みます。$/);
    const sent = () => smtp.received.at(-1)!;
    expect(sent().to).toEqual(['hanako@example.jp']);
    const { text } = await simpleParser(sent().raw);
    for (const notHers of ['日程を教えてください', '090-1111-2222', '自宅から失礼します']) expect(text).not.toContain(notHers);
    // Nor their Message-IDs in the threading headers (one can carry a name or a domain).
    for (const notHers of ['taro-', 'hanako-2']) expect(sent().raw.toString('latin1')).not.toContain(notHers);
    const inReplyTo = () => /^In-Reply-To: (\S+)/m.exec(sent().raw.toString('latin1'))?.[1];
    expect(inReplyTo()).toBe('<hanako-1@example.jp>');

    // Taro's registration is cancelled with what he wrote: the next reply still answers Hanako's own mail.
    await t.call('customers.cancelRegistration', { id: taro.customerId, deleteInquiryContents: true, source: 'email', evidence: '退会の依頼' });
    const next = await t.call('inquiries.reply', { inquiryId: hanako.id, body: '改めてご案内します。' });
    expect(next.body).toMatch(/、山田花子様:\n> 研修に申し込みます。$/);
    expect(inReplyTo()).toBe('<hanako-1@example.jp>');
  });

  it('a mail presumed the owner’s, from an address that became another customer’s later, is that customer’s from then on', async () => {
    await dovecot.appendMails([
      japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: SUPPORT, subject: '社内研修の申込み', text: '研修に申し込みます。', messageId: '<hanako-1@example.jp>' }),
      // Taro is no customer yet when he answers in her thread.
      replyMail({ from: 'taro@example.jp', fromName: '佐藤太郎', to: SUPPORT, subject: 'Re: 社内研修の申込み', text: '私も参加します。', messageId: '<taro-2@example.jp>', parentMessageId: '<hanako-1@example.jp>' }),
    ]);
    await t.call('sync.run', { accountId });
    await dovecot.appendMails([
      japaneseMail({ from: 'taro@example.jp', fromName: '佐藤太郎', to: SUPPORT, subject: '見積もりの依頼', text: '見積もりをお願いします。', messageId: '<taro-1@example.jp>' }),
      autoReplyMail('auto-submitted', { from: 'taro@example.jp', fromName: '佐藤太郎', subject: '不在: 佐藤太郎' }),
    ]);
    await t.call('sync.run', { accountId });
    const inquiries = await t.call('inquiries.list', {});
    const hanako = inquiries.find((i) => i.subject === '社内研修の申込み')!;
    const taro = inquiries.find((i) => i.subject === '見積もりの依頼')!;

    expect((await disclose(hanako.customerId)).setAside).toEqual([]);
    expect((await t.call('inquiries.get', { id: hanako.id })).participants.map((c) => c.id)).toEqual([taro.customerId]);
    expect((await disclose(taro.customerId)).writtenElsewhere.map(({ inquiryId, message }) => [inquiryId, message.body])).toEqual([[hanako.id, '私も参加します。']]);
    await t.call('customers.cancelRegistration', { id: taro.customerId, deleteInquiryContents: true, source: 'email', evidence: '退会の依頼' });
    expect((await t.call('inquiries.get', { id: hanako.id })).messages.map((m) => [m.fromAddress, m.body, m.messageId === '<taro-2@example.jp>'])).toEqual([
      ['hanako@example.jp', '研修に申し込みます。', false],
      [null, '', false],
    ]);
  });

  /** Tanaka writes (and `alsoFromTanaka`), then changes his address; his successor writes from the old one, a new customer with it. */
  async function addressPassesToSuccessor(alsoFromTanaka: Buffer[] = []) {
    await dovecot.appendMails([japaneseMail({ from: 'tanaka@corp.example', fromName: '田中一郎', to: SUPPORT, subject: '請求書の件', text: '田中の請求書について。', messageId: '<tanaka-1@corp.example>' }), ...alsoFromTanaka]);
    await t.call('sync.run', { accountId });
    const [first] = await t.call('inquiries.list', {});
    const tanakaId = first!.customerId;
    await t.call('customers.amend', {
      id: tanakaId,
      name: '田中一郎',
      email: 'tanaka-new@corp.example',
      phone: '',
      postalAddress: '',
      before: { name: '田中一郎', email: 'tanaka@corp.example', phone: null, postalAddress: null },
      source: 'email',
      evidence: 'アドレス変更の連絡',
    });
    await dovecot.appendMail(japaneseMail({ from: 'tanaka@corp.example', fromName: '鈴木次郎', to: SUPPORT, subject: '担当交代のご挨拶', text: '後任の鈴木です。', messageId: '<suzuki-1@corp.example>' }));
    await t.call('sync.run', { accountId });
    const successor = (await t.call('inquiries.list', {})).find((i) => i.subject === '担当交代のご挨拶')!;
    expect(successor.customerId).not.toBe(tanakaId);
    return { first: first!, tanakaId, successorId: successor.customerId };
  }

  it('a mail matched to its sender stays theirs when their old address becomes another customer’s', async () => {
    const { first, successorId } = await addressPassesToSuccessor();
    const toSuccessor = await disclose(successorId);
    expect(toSuccessor.writtenElsewhere).toEqual([]);
    expect(JSON.stringify(toSuccessor)).not.toContain('田中の請求書');
    await t.call('customers.cancelRegistration', { id: successorId, deleteInquiryContents: true, source: 'email', evidence: '退会の依頼' });
    expect((await t.call('inquiries.get', { id: first.id })).messages.map((m) => m.body)).toEqual(['田中の請求書について。']);
  });
  it('a mail set aside from an address that passed to another customer is theirs from when they had it, and the earlier holder’s before', async () => {
    const { tanakaId, successorId } = await addressPassesToSuccessor([
      autoReplyMail('auto-submitted', { from: 'tanaka@corp.example', fromName: '田中一郎', subject: '不在: 田中一郎', messageId: '<tanaka-away@corp.example>' }),
    ]);
    // Then the successor's auto-reply.
    const later = new Date(Date.now() + 60_000).toUTCString();
    await dovecot.appendMail(autoReplyMail('auto-submitted', { from: 'tanaka@corp.example', fromName: '鈴木次郎', subject: '不在: 鈴木次郎', messageId: '<suzuki-away@corp.example>', date: later }));
    await t.call('sync.run', { accountId });

    expect((await disclose(tanakaId)).setAside.map((m) => m.subject)).toEqual(['不在: 田中一郎']);
    expect((await disclose(successorId)).setAside.map((m) => m.subject)).toEqual(['不在: 鈴木次郎']);
    // The successor's cancellation forgets their set-aside mail, not the earlier holder's.
    await t.call('customers.cancelRegistration', { id: successorId, deleteInquiryContents: true, source: 'email', evidence: '退会の依頼' });
    expect((await disclose(tanakaId)).setAside.map((m) => m.subject)).toEqual(['不在: 田中一郎']);
  });
});

