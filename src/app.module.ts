import { DynamicModule, Module } from '@nestjs/common';
import { MunicipalitiesController } from './api/municipalities/municipalities.controller.js';
import { FacilitiesController } from './api/facilities/facilities.controller.js';
import { PlansController } from './api/plans/plans.controller.js';
import { ProgrammesController } from './api/programmes/programmes.controller.js';
import { ResultsController } from './api/results/results.controller.js';
import { ApplicationsController } from './api/applications/applications.controller.js';
import { CoFundingController } from './api/co-funding/co-funding.controller.js';
import { CommissionsController } from './api/commissions/commissions.controller.js';
import { DisbursementsController } from './api/disbursements/disbursements.controller.js';
import { GrantCallsController } from './api/grant-calls/grant-calls.controller.js';
import { AuditController } from './api/audit/audit.controller.js';
import { SubjectsController } from './api/audit/subjects.controller.js';
import { ReportsController } from './api/reports/reports.controller.js';
import { AuditTrailController } from './api/audit-trail/audit-trail.controller.js';
import { CoreModule, type Infrastructure } from './core.module.js';

/** The feature controllers, one line per area. */
export const featureControllers = [MunicipalitiesController, ProgrammesController, PlansController, FacilitiesController, ResultsController,
  CommissionsController, GrantCallsController, ApplicationsController, DisbursementsController, CoFundingController,
  AuditController, SubjectsController,
  ReportsController, AuditTrailController];

@Module({})
export class AppModule {
  static with(infra: Infrastructure): DynamicModule {
    return { module: AppModule, imports: [CoreModule.with(infra)], controllers: featureControllers };
  }
}
