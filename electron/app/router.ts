import { EventEmitter } from 'node:events';
import type { z } from 'zod';
import { contract, isMethodName, type Contract, type MethodName, type MethodOutput } from '../../shared/contract';
import { pushes, type PushFrame, type PushName, type PushPayload } from '../../shared/pushes';
import { AppError, type Result } from '../../shared/result';
import type { Logger } from '../logging/logger';
import { userMessage } from '../../shared/userMessages';

export type Handler<M extends MethodName> = (input: z.output<Contract[M]['input']>) => Promise<MethodOutput<M>>;
export type Handlers = { [M in MethodName]: Handler<M> };

export interface Router {
  /** Validates input against the contract, runs the method, validates output; never throws. */
  call(method: string, input: unknown): Promise<Result<unknown>>;
  onPush(listener: (frame: PushFrame) => void): () => void;
}

export interface PushSink {
  push<P extends PushName>(name: P, payload: PushPayload<P>): void;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/**
 * The one dispatcher behind every transport (Electron IPC, the loopback host's WebSocket).
 * Transports stay thin: they check who is calling and hand the raw method name and payload here.
 */
export function createRouter(handlers: Handlers, logger: Logger): Router & PushSink {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(50);
  return {
    async call(method, input) {
      if (!isMethodName(method)) {
        return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `Unknown method "${String(method).slice(0, 60)}".` } };
      }
      const spec = contract[method];
      const parsed = spec.input.safeParse(input ?? {});
      if (!parsed.success) {
        return { ok: false, error: { code: 'BAD_REQUEST', message: userMessage('invalidRequest', { method, issues: describeIssues(parsed.error) }) } };
      }
      try {
        const handler = handlers[method] as (input: unknown) => Promise<unknown>;
        const value = await handler(parsed.data);
        const checked = spec.output.safeParse(value);
        if (!checked.success) {
          logger.error('router.bad_output', { method, issues: checked.error.issues.length });
          return { ok: false, error: { code: 'INTERNAL', message: userMessage('invalidAnswer', { method }) } };
        }
        return { ok: true, value: checked.data };
      } catch (error) {
        if (error instanceof AppError) return { ok: false, error: { code: error.code, message: error.message } };
        logger.error('router.failed', { method, error: error instanceof Error ? error.name : 'unknown' });
        return { ok: false, error: { code: 'INTERNAL', message: userMessage('internalFailure', { method }) } };
      }
    },
    onPush(listener) {
      emitter.on('push', listener);
      return () => emitter.off('push', listener);
    },
    push(name, payload) {
      const frame: PushFrame = { push: name, payload: pushes[name].parse(payload) };
      emitter.emit('push', frame);
    },
  };
}
