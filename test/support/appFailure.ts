import { expect } from 'vitest';
import { AppError } from '../../shared/result';

/** What a failing call threw, for asserting on code and message; fails the test if it did not fail with an AppError. */
export async function appFailure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the call to fail');
}
