import { SetMetadata } from '@nestjs/common';
import type { Role } from './api-keys.js';

/** What a route needs: a role (held by an API key) or nothing at all. Routes without it need `reader`. */
export type Access = Role | 'public';

export const ACCESS_METADATA = 'demarche:access';

/** The least role a caller must hold for this route or controller (admin ⊃ reporter ⊃ reader). */
export const RequiresRole = (role: Role) => SetMetadata(ACCESS_METADATA, role);

/** Open to everyone even when reads need a key (e.g. the health check probes use). */
export const Public = () => SetMetadata(ACCESS_METADATA, 'public' satisfies Access);
