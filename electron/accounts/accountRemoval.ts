import type { Kysely } from 'kysely';
import { AppError } from '../../shared/result';
import type { Database } from '../db/schema';
import { userMessage } from '../../shared/userMessages';

/**
 * Removes a mail account with its sync cursors and its list of set-aside mails, in one
 * transaction: a removal that is refused, or fails half-way, leaves the account as it was (with
 * its cursors, so its next sync does not fetch everything again).
 *
 * An account that opened inquiries is refused: replies to them are sent from it. Its mails in
 * other inquiries stay where they are, because support staff expect to remove a mailbox they no
 * longer use without losing any of a customer's conversation, and without being told to keep the
 * mailbox for one reply that joined a thread of another account (a customer answering to
 * sales@ on a thread opened by support@). Only their link to this account goes
 * (messages.mail_account_id allows NULL): it says where the mail lies on this account's server,
 * which only this account's syncs read (to mark mails deleted or answered there, and to follow a
 * renumbered folder), and there are none once it is gone. The marks already made stay. Should
 * the account be added again, its mails are recognised by Message-ID and not stored twice.
 */
export async function removeAccount(db: Kysely<Database>, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await assertAccountRemovable(trx, id);
    await trx.updateTable('messages').set({ mailAccountId: null }).where('mailAccountId', '=', id).execute();
    await trx.deleteFrom('syncState').where('mailAccountId', '=', id).execute();
    await trx.deleteFrom('quarantine').where('mailAccountId', '=', id).execute();
    await trx.deleteFrom('mailAccounts').where('id', '=', id).execute();
  });
}

/** Throws CONFLICT when the account opened inquiries (see removeAccount). */
export async function assertAccountRemovable(db: Kysely<Database>, id: number): Promise<void> {
  const used = await db.selectFrom('inquiries').select('id').where('mailAccountId', '=', id).executeTakeFirst();
  if (used) throw new AppError('CONFLICT', userMessage('accountHasInquiries'));
}
