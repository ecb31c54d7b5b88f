// The project's own tests never reach a real model API: only the mock wire servers on 127.0.0.1 answer.
// The live tests (vitest.live.config.ts) run without this file.
import { disallowModelRequests } from 'icode/testing';

disallowModelRequests();
