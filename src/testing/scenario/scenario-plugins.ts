/**
 * The plugins of a scenario: folders of its workspace, installed into a plugin directory beside it (as a
 * user installs them) and offered to the agent through the `plugins()` toolset.
 *
 * @packageDocumentation
 */
import { join } from 'node:path';
import { PluginManager } from '../../plugins/plugin-manager.js';
import { plugins } from '../../plugins/plugins-toolset.js';
import type { Toolset } from '../../tools/toolset.js';
import type { Scenario } from './schema.js';
import type { ScenarioDirectories } from './workspace.js';

/**
 * Installs the scenario's `plugins` (workspace folders) and returns their toolset, or `undefined` when it
 * has none.
 *
 * @throws ConfigError for a plugin that does not install.
 */
export async function scenarioPlugins(scenario: Scenario, dirs: ScenarioDirectories): Promise<Toolset | undefined> {
  if (!scenario.plugins || scenario.plugins.length === 0) return undefined;
  const manager = new PluginManager({ dir: join(dirs.base, 'plugins') });
  for (const folder of scenario.plugins) await manager.install(join(dirs.workspace, folder));
  return plugins(manager);
}
