import type { Provider, Type } from '@nestjs/common';
import { AlertEvaluator } from './alert-evaluator.js';
import { AlertsController } from './alerts.controller.js';
import { WatchRepository } from './watch-repository.js';
import { WatchesController } from './watches.controller.js';
import { resolveWatchesOptions, WATCHES_OPTIONS, type WatchesOptions } from './watches.options.js';
import { WebhookDeliveries } from './webhook-deliveries.js';

/** The watches slice as the composition root mounts it: it reads the projection runner and the clock the app provides. */
export const WATCH_CONTROLLERS: Type[] = [WatchesController, AlertsController];

export function watchProviders(options?: WatchesOptions): Provider[] {
  return [{ provide: WATCHES_OPTIONS, useValue: resolveWatchesOptions(options) }, WatchRepository, WebhookDeliveries, AlertEvaluator];
}
