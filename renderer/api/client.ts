import type { z } from 'zod';
import { contract, type MethodInput, type MethodName, type MethodOutput } from '../../shared/contract';
import { pushes, type PushFrame, type PushName, type PushPayload } from '../../shared/pushes';
import type { ErrorCode } from '../../shared/result';
import './bridge';
import { createElectronTransport } from './electronTransport';
import { createSocketTransport, takeLoopbackToken } from './socketTransport';
import { TransportError, type ConnectionState, type Transport } from './transport';
import { userMessage } from '../../shared/userMessages';
import i18n, { mainProcessText } from '../i18n';

/**
 * The renderer's only way to reach the main process. Typed from shared/contract.ts, so a
 * wrong method name or input does not compile; inputs are checked against the contract's
 * schema before they leave (the user sees the contract's own message at once), and outputs
 * and pushes are checked when they arrive.
 */

/** Codes from main (shared/result.ts) plus the ones only the client can see. */
export type ApiErrorCode = ErrorCode | 'DISCONNECTED' | 'NO_TRANSPORT' | 'BAD_RESPONSE';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let transport: Transport | null = null;

function noTransport(): Transport {
  const fail = () =>
    Promise.reject(
      new TransportError('NO_TRANSPORT', userMessage('noAccessToken')),
    );
  return {
    kind: 'none',
    call: fail,
    onPush: () => () => {},
    onConnectionChange: () => () => {},
    connectionState: () => 'reconnecting',
  };
}

/** Electron when the preload bridge is present; otherwise the loopback host's WebSocket. */
function chooseTransport(): Transport {
  if (window.madoguchi) return createElectronTransport(window.madoguchi);
  const token = takeLoopbackToken();
  if (!token) return noTransport();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return createSocketTransport({ url: `${scheme}://${location.host}/ipc`, token });
}

function getTransport(): Transport {
  transport ??= chooseTransport();
  return transport;
}

/** For tests: use this transport instead of choosing one. */
export function setTransportForTests(next: Transport): void {
  transport = next;
}

export function transportKind(): Transport['kind'] {
  return getTransport().kind;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${fieldOf(issue.path)}${mainProcessText(issue.message)}`).join(' / ');
}

/** "件名: " for a problem with what staff typed as the subject; the path as written for a field the catalogue does not name. */
function fieldOf(path: readonly PropertyKey[]): string {
  const name = [...path].reverse().find((part): part is string => typeof part === 'string');
  if (name === undefined) return '';
  const fields = i18n.getResource(i18n.language, 'translation', 'fields') as Record<string, string> | undefined;
  return `${fields?.[name] ?? path.map(String).join('.')}: `;
}

export async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const schemas = contract[method];
  const checkedInput = schemas.input.safeParse(input);
  if (!checkedInput.success) throw new ApiError('BAD_REQUEST', describeIssues(checkedInput.error));

  let result;
  try {
    result = await getTransport().call(method, checkedInput.data);
  } catch (error) {
    if (error instanceof TransportError) throw new ApiError(error.code, error.message);
    throw new ApiError('DISCONNECTED', error instanceof Error ? error.message : String(error));
  }
  if (!result.ok) throw new ApiError(result.error.code, result.error.message);

  const checkedOutput = schemas.output.safeParse(result.value);
  if (!checkedOutput.success) {
    throw new ApiError('BAD_RESPONSE', userMessage('responseNotUnderstood', { method, detail: describeIssues(checkedOutput.error) }));
  }
  return checkedOutput.data as MethodOutput<M>;
}

export function onPush<P extends PushName>(name: P, handler: (payload: PushPayload<P>) => void): () => void {
  return getTransport().onPush((frame: PushFrame) => {
    if (frame.push !== name) return;
    const parsed = pushes[name].safeParse(frame.payload);
    if (!parsed.success) {
      console.warn(`Madoguchi: ignored a malformed "${name}" push`);
      return;
    }
    handler(parsed.data as PushPayload<P>);
  });
}

export function onConnectionChange(listener: (state: ConnectionState) => void): () => void {
  return getTransport().onConnectionChange(listener);
}

export function connectionState(): ConnectionState {
  return getTransport().connectionState();
}

export type { ConnectionState };
