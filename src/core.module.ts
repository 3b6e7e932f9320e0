import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ProjectionRunner } from '../projections/runner/runner.js';
import { AuthGuard, TokenService } from './api/common/auth.js';
import { CommandExecutor } from './api/common/commands.js';
import { ProblemFilter } from './api/common/problem.js';
import { Listing } from './api/common/listing.js';
import { ReadFreshness } from './api/common/reads.js';
import { Metrics } from './api/ops/metrics.js';
import { OpsController } from './api/ops/ops.controller.js';
import { AppSettings, EVENT_STORE } from './api/tokens.js';
import type { EventStore } from './eventstore/port.js';
import { AuditService } from './audit/audit-service.js';
import { ChainSequencer } from './audit/chain-sequencer.js';
import { ChainStore } from './audit/chain-store.js';
import { PersonalData } from './audit/personal-data.js';

export interface Infrastructure {
  store: EventStore;
  dataSource: DataSource;
  runner: ProjectionRunner;
  tokens: TokenService;
  metrics: Metrics;
  settings: AppSettings;
  /** Tamper evidence (src/audit): the chain sequencer, the audit answers, personal data. */
  audit?: { sequencer: ChainSequencer; service: AuditService; personalData: PersonalData };
}

/** What every feature module may inject: the event store, the read-side DataSource, the runner, helpers. */
@Global()
@Module({})
export class CoreModule {
  static with(infra: Infrastructure): DynamicModule {
    const values = [
      { provide: EVENT_STORE, useValue: infra.store },
      { provide: DataSource, useValue: infra.dataSource },
      { provide: ProjectionRunner, useValue: infra.runner },
      { provide: TokenService, useValue: infra.tokens },
      { provide: Metrics, useValue: infra.metrics },
      { provide: AppSettings, useValue: infra.settings },
      ...(infra.audit
        ? [
            { provide: ChainSequencer, useValue: infra.audit.sequencer },
            // ChainStore.hashesOf(positions): the stored hash of each event, for answers that show it.
            { provide: ChainStore, useValue: infra.audit.sequencer.chain },
            { provide: AuditService, useValue: infra.audit.service },
            { provide: PersonalData, useValue: infra.audit.personalData },
          ]
        : []),
    ];
    return {
      module: CoreModule,
      controllers: [OpsController],
      providers: [
        ...values,
        CommandExecutor,
        ReadFreshness,
        Listing,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
      exports: [...values.map((v) => v.provide), CommandExecutor, ReadFreshness, Listing],
    };
  }
}
