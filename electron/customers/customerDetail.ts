import type { CustomerDetail } from '../../shared/domain';
import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';
import type { Workspace } from '../app/workspace';
import { listConsentEvents } from '../consent/consentRepository';
import { currentConsentStates } from '../consent/consentState';
import { listInquiries } from '../inquiries/inquiryRepository';
import { othersInquiriesWrittenIn } from '../inquiries/senderRepository';
import { isOnAStopList, isOnMailingList, listExportsOfCustomer } from '../marketing/mailingList';
import { getCustomer, listCustomerAmendments } from './customerRepository';
import { listDisclosures } from './disclosureRepository';
import { getRegistrationCancellation } from './registrationCancellationRepository';
import { listThirdPartyProvisions } from './thirdPartyProvisionRepository';

/** Everything the customer page shows: the details, the consents now and their history, the amendments, the disclosures, a cancelled registration, the inquiries (theirs, and others' they wrote in), the mailing-list exports that held them and the provisions to third parties. */
export async function getCustomerDetail(ws: Workspace, customerId: number): Promise<CustomerDetail> {
  const customer = await getCustomer(ws.db, customerId);
  if (!customer) throw new AppError('NOT_FOUND', userMessage('customerNotFound', { id: customerId }));
  const history = await listConsentEvents(ws.db, customerId);
  return {
    customer,
    consents: currentConsentStates(history),
    history,
    amendments: await listCustomerAmendments(ws.db, customerId),
    disclosures: await listDisclosures(ws.db, customerId),
    cancellation: await getRegistrationCancellation(ws.db, customerId),
    inquiries: await listInquiries(ws.db, { customerId }),
    // Other customers' inquiries they wrote in, newest first.
    wroteIn: await listInquiries(ws.db, { ids: await othersInquiriesWrittenIn(ws.db, customerId) }, null),
    mailingListExports: await listExportsOfCustomer(ws.db, customerId),
    onMailingList: await isOnMailingList(ws.db, customerId),
    onAStopList: await isOnAStopList(ws.db, customerId),
    provisions: await listThirdPartyProvisions(ws.db, customerId),
  };
}
