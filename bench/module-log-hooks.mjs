// Module hooks for W4: append the URL of every module Node loads to the file named by ICODE_BENCH_MODULE_LOG.
import { appendFileSync } from 'node:fs';

export async function load(url, context, next) {
  appendFileSync(process.env.ICODE_BENCH_MODULE_LOG, `${url}\n`);
  return next(url, context);
}
