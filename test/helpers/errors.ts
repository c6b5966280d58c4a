/** Catching and checking the project's one error class in tests. */
import { expect } from 'vitest';
import { LrlabError, type ErrorCode } from '../../bindings/errors.js';

/** The LrlabError `fn` throws (fails the test when it throws nothing or something else). */
export function thrown(fn: () => unknown): LrlabError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LrlabError);
    return error as LrlabError;
  }
  throw new Error('expected an LrlabError, but the call succeeded');
}

/** The LrlabError `fn` rejects with (fails the test when it resolves or rejects with something else). */
export async function rejected(fn: () => unknown): Promise<LrlabError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LrlabError);
    return error as LrlabError;
  }
  throw new Error('expected an LrlabError, but the call succeeded');
}

/** code, field, and a message "field: <allowed>. Received: field=<value>" containing `allowed`. */
export function expectError(err: LrlabError, code: ErrorCode, field: string, allowed?: string | RegExp): void {
  expect(err.code).toBe(code);
  expect(err.field).toBe(field);
  expect(err.message.startsWith(`${field}: `)).toBe(true);
  expect(err.message).toContain(`Received: ${field}=`);
  if (allowed !== undefined) {
    if (typeof allowed === 'string') expect(err.message).toContain(allowed);
    else expect(err.message).toMatch(allowed);
  }
}
