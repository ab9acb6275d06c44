import type { LaravelProject } from './detect-project.js';
import { planBroadcastingConfig } from './plan-broadcasting-config.js';
import { planCaddy } from './plan-caddy.js';
import { planChannelRoutes } from './plan-channel-routes.js';
import { planEcho } from './plan-echo.js';
import { planEnv } from './plan-env.js';
import { emptyPlan, type Plan } from './plan.js';
import type { InstallSettings } from './resolve-settings.js';

/** Every file change, computed in memory; nothing touches the disk here. */
export function buildPlan(project: LaravelProject, settings: InstallSettings): Plan {
  const plan = emptyPlan();
  planEnv(plan, project, settings);
  planBroadcastingConfig(plan, project, settings);
  planChannelRoutes(plan, project);
  planEcho(plan, project, settings);
  planCaddy(plan, project, settings);
  return plan;
}
