/** A tool's failure with a known cause. Never exported. */
import type { ToolErrorCode } from '../events/agent-event.js';

/**
 * Thrown by a built-in tool whose work failed for a reason programs should tell apart (a command killed by
 * its own timeout is `TOOL_TIMEOUT`, as when the tool itself runs past `timeoutMs`). The run turns it into an
 * error tool-result with this `errorCode` and `message` as the output the model reads, as it is: the message
 * keeps whatever the tool has to show (a command's output before it was killed).
 */
export class ToolFailure extends Error {
  override readonly name = 'ToolFailure';

  constructor(
    readonly errorCode: ToolErrorCode,
    message: string,
  ) {
    super(message);
  }
}
