import type { ReplyTemplate } from '../../shared/domain';
import type { MethodInput } from '../../shared/contract';
import { maskCardNumbers } from '../../shared/cardMask';
import { unknownPlaceholderProblem } from '../../shared/replyText';
import { AppError } from '../../shared/result';
import type { Executor } from '../db/executor';
import { userMessage } from '../../shared/userMessages';

/** Canned replies: staff write them in Settings and pick one in the reply box. */
export async function listTemplates(db: Executor): Promise<ReplyTemplate[]> {
  return db.selectFrom('replyTemplates').selectAll().orderBy('language').orderBy('name').orderBy('id').execute();
}

export async function saveTemplate(
  db: Executor,
  input: MethodInput<'templates.save'>,
  who: string,
  at: string,
): Promise<ReplyTemplate> {
  const problem = unknownPlaceholderProblem(input.body);
  if (problem) throw new AppError('BAD_REQUEST', problem);
  const values = { name: maskCardNumbers(input.name), language: input.language, body: maskCardNumbers(input.body), updatedBy: who, updatedAt: at };
  const { id, before } = input;
  if (id === undefined) return db.insertInto('replyTemplates').values(values).returningAll().executeTakeFirstOrThrow();
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('replyTemplates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) throw new AppError('NOT_FOUND', userMessage('templateGone', { id }));
    if (!before || before.name !== current.name || before.language !== current.language || before.body !== current.body) {
      throw new AppError('CONFLICT', userMessage('templateChangedMeanwhile', { name: current.name, by: current.updatedBy }));
    }
    return trx.updateTable('replyTemplates').set(values).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  });
}

export async function removeTemplate(db: Executor, id: number): Promise<void> {
  const result = await db.deleteFrom('replyTemplates').where('id', '=', id).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new AppError('NOT_FOUND', userMessage('templateNotFound', { id }));
}
