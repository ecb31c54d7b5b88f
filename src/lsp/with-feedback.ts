/**
 * Wraps the file tools so their results carry the after-edit feedback: the errors a write, edit,
 * multi_edit or apply_patch introduced, appended to what the tool said.
 */
import type { Tool, ToolOutput } from '../tools/tool.js';
import { FEEDBACK_TOOLS, READ_TOOL, type EditFeedback } from './edit-feedback.js';

const wrapped = new WeakSet<Tool>();

/**
 * `tools` with the file tools wrapped (and `read`, whose files are opened on their servers so edits
 * elsewhere report the errors they cause there); a tool wrapped already is not wrapped twice.
 */
export function wrapWithFeedback(tools: readonly Tool[], feedback: EditFeedback): Tool[] {
  return tools.map((entry) => {
    if (wrapped.has(entry)) return entry;
    if (FEEDBACK_TOOLS.has(entry.name)) return mark(wrap(entry, feedback));
    if (entry.name === READ_TOOL) return mark(wrapRead(entry, feedback));
    return entry;
  });
}

function mark(entry: Tool): Tool {
  wrapped.add(entry);
  return entry;
}

function wrapRead(original: Tool, feedback: EditFeedback): Tool {
  return {
    ...original,
    async execute(input, ctx): Promise<ToolOutput> {
      const output = await original.execute(input, ctx);
      void feedback.noteRead({ name: original.name, input }, ctx).catch(() => undefined);
      return output;
    },
  };
}

function wrap(original: Tool, feedback: EditFeedback): Tool {
  const access = original.access?.bind(original);
  return {
    ...original,
    async execute(input, ctx): Promise<ToolOutput> {
      const paths = await feedback.editedPaths({ name: original.name, input }, ctx, access);
      if (paths.length === 0) return original.execute(input, ctx);
      const baseline = await feedback.before(paths, ctx.signal);
      const output = await original.execute(input, ctx);
      // Only text results are extended; a tool that returns data is left as it is.
      if (typeof output !== 'string') return output;
      const note = await feedback.after(paths, baseline, ctx.signal);
      return note ? `${output}\n\n${note}` : output;
    },
  };
}
