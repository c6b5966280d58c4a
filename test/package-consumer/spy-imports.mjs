// node --import ./spy-imports.mjs: every module URL that gets resolved is appended to $LRLAB_LOADED_LOG
// (synchronously, in the hook, so the file is complete when the import that caused it returns).
import { register } from 'node:module';

const hook = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(process.env.LRLAB_LOADED_LOG)}, result.url + '\\n');
  return result;
}`;
register('data:text/javascript,' + encodeURIComponent(hook));
