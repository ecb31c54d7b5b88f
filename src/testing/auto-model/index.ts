export { autoModel } from './auto-model.js';
export type { AutoModelOptions } from './auto-model.js';
