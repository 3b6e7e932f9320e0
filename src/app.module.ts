import { DynamicModule, Module } from '@nestjs/common';
import { MunicipalitiesController } from './api/municipalities/municipalities.controller.js';
import { CoreModule, type Infrastructure } from './core.module.js';

/** The feature controllers, one line per area. */
export const featureControllers = [MunicipalitiesController];

@Module({})
export class AppModule {
  static with(infra: Infrastructure): DynamicModule {
    return { module: AppModule, imports: [CoreModule.with(infra)], controllers: featureControllers };
  }
}
