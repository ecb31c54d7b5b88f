export { cassette, CassetteMismatchError } from './cassette.js';
export type { Cassette, CassetteMode, CassetteOptions } from './cassette.js';
export type { CassetteChunk, CassetteFile, CassetteInteraction } from './format.js';
