/** The configuration as every command loads it; imported by a command's action, never at start-up. */
import { loadConfigFile, parseConfig, type KuzetConfig } from '../core/config.ts';
import { PROBES } from '../probes/index.ts';
import { configPathOf } from './common.ts';

/** Loads the config, or the empty embedded default when there is no file. */
export function loadConfig(path: string | undefined): KuzetConfig {
  return path ? loadConfigFile(path, PROBES) : parseConfig('{}', PROBES);
}

/** The config of a `-c FILE` option (or ./kuzet.yaml, or the default), for the folders' command groups. */
export const configContext = { loadConfig: (option: string | undefined) => loadConfig(configPathOf(option)) };
