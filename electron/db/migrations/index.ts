import type { Migration } from '../migrate';
import { initial } from './0001-initial';

/** Every migration, in order. Add a new file per change; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [initial];
