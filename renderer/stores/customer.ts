import { create } from 'zustand';
import { call } from '../api/client';
import type { CustomerDetail } from '../../shared/domain';
import type { MethodInput, MethodOutput } from '../../shared/contract';
import { useCustomers } from './customers';
import { useInquiry } from './inquiry';
import { attempt } from './errors';

export type ConsentRecordInput = MethodInput<'consent.record'>;

interface CustomerState {
  id: number | null;
  detail: CustomerDetail | null;
  loading: boolean;
  open(id: number): Promise<void>;
  reload(): Promise<void>;
  /** Records one consent change (one append-only event per purpose and channel), then refreshes. */
  recordConsent(input: ConsentRecordInput): Promise<{ recorded: number } | undefined>;
  /** Amends the registration details (one append-only record); the page shows the answer. */
  amend(input: MethodInput<'customers.amend'>): Promise<CustomerDetail | undefined>;
  /** Records a disclosure and answers with everything held about the customer, for the document. */
  disclose(input: MethodInput<'customers.disclose'>): Promise<MethodOutput<'customers.disclose'> | undefined>;
  /** Cancels the registration (append-only record); the page shows the customer as now. */
  cancelRegistration(input: MethodInput<'customers.cancelRegistration'>): Promise<CustomerDetail | undefined>;
  /** Records a provision of their information to a third party (append-only); the page shows the answer. */
  recordProvision(input: MethodInput<'customers.recordProvision'>): Promise<CustomerDetail | undefined>;
  reset(): void;
}

export const useCustomer = create<CustomerState>()((set, get) => ({
  id: null,
  detail: null,
  loading: false,
  async open(id) {
    if (get().id !== id) set({ id, detail: null });
    await get().reload();
  },
  async reload() {
    const id = get().id;
    if (id === null) return;
    set({ loading: true });
    const detail = await attempt(() => call('customers.get', { id }));
    if (get().id !== id) return;
    set({ loading: false, ...(detail ? { detail } : {}) });
  },
  async recordConsent(input) {
    const result = await attempt(() => call('consent.record', input));
    if (result && get().id === input.customerId) await get().reload();
    return result;
  },
  async amend(input) {
    const detail = await attempt(() => call('customers.amend', input));
    if (detail && get().id === input.id) set({ detail });
    if (detail) void useCustomers.getState().refresh();
    return detail;
  },
  async disclose(input) {
    const disclosure = await attempt(() => call('customers.disclose', input));
    // The page reads itself again: the disclosure's copy of the customer leaves out others' inquiries they wrote in.
    if (disclosure && get().id === input.id) await get().reload();
    return disclosure;
  },
  async cancelRegistration(input) {
    const detail = await attempt(() => call('customers.cancelRegistration', input));
    if (detail && get().id === input.id) set({ detail });
    if (detail) {
      void useCustomers.getState().refresh();
      // What staff typed to them is personal data too.
      useInquiry.getState().dropDrafts(detail.inquiries.map((inquiry) => inquiry.id));
    }
    return detail;
  },
  async recordProvision(input) {
    const detail = await attempt(() => call('customers.recordProvision', input));
    if (detail && get().id === input.customerId) set({ detail });
    return detail;
  },
  reset() {
    set({ id: null, detail: null, loading: false });
  },
}));
