/** `kuzet user …` commands (issue #10). Placeholder until the console lands. */
import type { Command } from 'commander';
import type { KuzetConfig } from '../../core/config.ts';

export function registerConsoleCommands(_program: Command, _ctx: { loadConfig: (configPath: string | undefined) => KuzetConfig }): void {}
