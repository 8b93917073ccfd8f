import type { Migration } from '../migrate';
import { initial } from './0001-initial';
import { syncFoldersAndHealth } from './0002-sync-folders-and-health';
import { archivedInquiries } from './0003-archived-inquiries';
import { mailReading } from './0004-mail-reading';
import { forwardedMessages } from './0005-forwarded-messages';
import { oauth2Accounts } from './0006-oauth2-accounts';
import { serverChanges } from './0007-server-changes';
import { oauthSignIn } from './0008-oauth-sign-in';
import { quarantineUidValidity } from './0009-quarantine-uid-validity';
import { messageUidValidity } from './0010-message-uid-validity';
import { quarantineSummary } from './0011-quarantine-summary';
import { attachmentRemovedByStaff } from './0012-attachment-removed-by-staff';
import { customerAmendments } from './0013-customer-amendments';
import { disclosureLog } from './0014-disclosure-log';
import { quarantineReasonKey } from './0015-quarantine-reason-key';
import { registrationCancellations } from './0016-registration-cancellations';
import { forgottenSetAsideMail } from './0017-forgotten-set-aside-mail';
import { erasedMessageKeys } from './0018-erased-message-keys';
import { exportRecipients } from './0019-export-recipients';
import { thirdPartyProvisions } from './0020-third-party-provisions';
import { exportHandedTo } from './0021-export-handed-to';
import { quarantinePerNumbering } from './0022-quarantine-per-numbering';
import { messageSenderCustomer } from './0023-message-sender-customer';
import { quarantineByMessageKey } from './0024-quarantine-by-message-key';
import { outboxThreadSeen } from './0025-outbox-thread-seen';

/** Every migration, in order. Add a new file per change; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [initial, syncFoldersAndHealth, archivedInquiries, mailReading, forwardedMessages, oauth2Accounts, serverChanges, oauthSignIn, quarantineUidValidity, messageUidValidity, quarantineSummary, attachmentRemovedByStaff, customerAmendments, disclosureLog, quarantineReasonKey, registrationCancellations, forgottenSetAsideMail, erasedMessageKeys, exportRecipients, thirdPartyProvisions, exportHandedTo, quarantinePerNumbering, messageSenderCustomer, quarantineByMessageKey, outboxThreadSeen];
