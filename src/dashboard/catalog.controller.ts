import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import countries from 'i18n-iso-countries';
import { countryName, isCountryCode } from '../domain/countries.js';
import { ESCALATION_LEVELS } from '../domain/escalation.js';
import { INCIDENT_CATALOG } from '../domain/incident-catalog.js';
import { INCIDENT_TYPES } from '../domain/incident-types.js';
import type { AmbassadorStatus, RelationsStatus } from '../domain/relation-facts.js';
import { detailsSchema } from '../docs/details-schema.js';
import { ApiProblems } from '../docs/problem.schema.js';
import { CatalogResponse } from '../docs/responses/catalog.responses.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';
import { AMBASSADOR_LABELS, incidentTypeLabel, RELATIONS_LABELS } from './labels.js';

function buildCatalog(): CatalogResponse {
  return {
    incidentTypes: INCIDENT_TYPES.map((type) => {
      const definition = INCIDENT_CATALOG[type];
      return {
        type,
        label: incidentTypeLabel(type),
        cameo: definition.cameo,
        cameoName: definition.cameoName,
        goldstein: definition.goldstein,
        conflict: definition.goldstein < 0,
        description: definition.description,
        details: detailsSchema(definition.details),
      };
    }),
    levels: ESCALATION_LEVELS.map((band, index) => ({ level: band.level, from: band.from, below: ESCALATION_LEVELS[index + 1]?.from ?? null })),
    countries: Object.keys(countries.getAlpha3Codes())
      .filter(isCountryCode)
      .map((code) => ({ code, name: countryName(code) }))
      .sort((x, y) => x.name.localeCompare(y.name)),
    relationsStatuses: Object.entries(RELATIONS_LABELS).map(([status, label]) => ({ status: status as RelationsStatus, label })),
    ambassadorStatuses: Object.entries(AMBASSADOR_LABELS).map(([status, label]) => ({ status: status as AmbassadorStatus, label })),
  };
}

/** What a client needs to build a report form and to label what it shows: incident types with their details schema and labels, levels, countries, statuses. */
@ApiTags('catalog')
@Controller('catalog')
export class CatalogController {
  private readonly catalog = buildCatalog();

  @Get()
  @ApiOperation({ summary: 'Incident types (label, CAMEO code, Goldstein weight, details schema), escalation levels, country codes, and the labels of relation and ambassador statuses' })
  @ApiOkResponse({ type: CatalogResponse })
  @ApiProblems(400)
  get(@Query() _query: NoQueryParameters): CatalogResponse {
    return this.catalog;
  }
}
