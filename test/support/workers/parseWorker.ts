/**
 * Fault injection for ParsePool's tests: the real parse worker, except that a mail carrying the
 * header "X-Test-Crash-Parser" stops the worker thread the way a crash inside the parser would.
 */
import { parentPort } from 'node:worker_threads';
import { answerParseRequest, PARSE_WORKER_READY, type ParseRequest } from '../../../electron/workers/parseRequest';

parentPort?.on('message', (request: ParseRequest) => {
  if (Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength).includes('X-Test-Crash-Parser')) process.exit(70);
  answerParseRequest(request, (reply, transfer) => parentPort?.postMessage(reply, transfer));
});
parentPort?.postMessage(PARSE_WORKER_READY);
