import type { Command } from '../command';
import { applyCommand } from './apply.command';
import { clientsCreate, clientsDelete, clientsList } from './clients.commands';
import { exportCommand } from './export.command';
import { secretsRotate } from './secrets.command';
import { tenantsCreate, tenantsDelete, tenantsList } from './tenants.commands';
import { tokenCommand } from './token.command';
import { usersCreate, usersDelete, usersList } from './users.commands';

/** Every command, in help order. */
export const COMMANDS: readonly Command[] = [
  tokenCommand,
  exportCommand,
  applyCommand,
  tenantsList,
  tenantsCreate,
  tenantsDelete,
  clientsList,
  clientsCreate,
  clientsDelete,
  usersList,
  usersCreate,
  usersDelete,
  secretsRotate,
];
