/**
 * Pieces the scenario schemas share.
 *
 * @packageDocumentation
 */
import { z } from 'zod';

/** Any JSON value (tool inputs). */
export const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

/** A token count. */
export const tokens = z.number().int().nonnegative();
