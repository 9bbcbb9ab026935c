/** An application as the routes and the flow service need it: loaded for a tenant, and as the sandbox sees it. */
import type { ApplicationSnapshotInput } from '../../runtime/protocol.js';
import type { AdminRepository, ApplicationRecord } from '../store/admin-types.js';
import { notFound } from './api-error.js';

/** The tenant's application, or a 404 (another tenant's answers as one that does not exist). */
export async function loadApplication(admin: AdminRepository, tenant: string, appId: string): Promise<ApplicationRecord> {
  const app = await admin.getApplication(tenant, appId);
  if (app === null) throw notFound(`application ${appId}`);
  return app;
}

/** What a flow, the explorer and the analyzer are given of the application. */
export function applicationSnapshot(app: ApplicationRecord, tenantDomain: string): ApplicationSnapshotInput {
  return { name: app.name, tenantDomain, steps: app.steps, subjectStep: app.subjectStep, attributeStep: app.attributeStep };
}
