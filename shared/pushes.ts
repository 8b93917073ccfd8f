import { z } from 'zod';

/** Pushes from main to every window: they carry no personal data, only what changed. */
export const pushes = {
  'inquiries.changed': z.object({ inquiryIds: z.array(z.number().int()) }),
  'sync.progress': z.object({
    accountId: z.number().int(),
    /** 'reconnecting': the connection dropped mid-sync; after a short wait it logs in again and goes on from where it was. */
    phase: z.enum(['connecting', 'fetching', 'reconnecting', 'done', 'failed']),
    done: z.number().int(),
    total: z.number().int(),
    /** The folder being fetched (phase 'fetching'). */
    folder: z.string().optional(),
    /** Bytes of mail fetched so far in this sync. */
    bytes: z.number().int().optional(),
    /** Phase 'reconnecting': this attempt (from 1) of how many. */
    attempt: z.number().int().optional(),
    attempts: z.number().int().optional(),
  }),
  /**
   * A sync of the account ended, however (after a renewed login was tried too): its health may
   * have changed. Its last progress ('done' or 'failed') can come before this, while the sync
   * still renews an expired token and retries.
   */
  'sync.ended': z.object({ accountId: z.number().int() }),
  'session.changed': z.object({ unlocked: z.boolean() }),
  /** An outbox item of these inquiries changed (queued, sent, failed, cancelled). */
  'outbox.changed': z.object({ inquiryIds: z.array(z.number().int()) }),
  /** A canned reply was saved or removed (in any window): pickers and the editor read the list again. */
  'templates.changed': z.object({}),
} as const;
export type Pushes = typeof pushes;
export type PushName = keyof Pushes;
export type PushPayload<P extends PushName> = z.infer<Pushes[P]>;

/** A push as it crosses the loopback host's WebSocket and the Electron preload bridge. */
export interface PushFrame {
  push: PushName;
  payload: unknown;
}
