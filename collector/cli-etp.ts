/** `kuzet etp …` commands (issue #7). Placeholder until the registry lands. */
import type { Command } from 'commander';
import type { KuzetConfig } from '../core/config.ts';

export function registerEtpCommands(_program: Command, _ctx: { loadConfig: (configPath: string | undefined) => KuzetConfig }): void {}
