/**
 * The parse worker that ParsePool (electron/sync/parsePool.ts) starts: reads mails off the main
 * thread, so that during a large import one core parses while the main thread fetches and stores.
 */
import { parentPort } from 'node:worker_threads';
import { answerParseRequest, PARSE_WORKER_READY, type ParseRequest } from './parseRequest';

parentPort?.on('message', (request: ParseRequest) => answerParseRequest(request, (reply, transfer) => parentPort?.postMessage(reply, transfer)));
parentPort?.postMessage(PARSE_WORKER_READY);
