import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import countries from 'i18n-iso-countries';
import { countryName, isCountryCode } from '../domain/countries.js';
import { ESCALATION_LEVELS } from '../domain/escalation.js';
import { INCIDENT_CATALOG } from '../domain/incident-catalog.js';
import { INCIDENT_TYPES } from '../domain/incident-types.js';
import { detailsSchema } from '../docs/details-schema.js';
import { CatalogDocument } from '../docs/response.schemas.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';

function buildCatalog() {
  return {
    incidentTypes: INCIDENT_TYPES.map((type) => {
      const definition = INCIDENT_CATALOG[type];
      return {
        type,
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
  };
}

/** What a client needs to build a report form and a legend: incident types with their details schema, levels, countries. */
@ApiTags('catalog')
@Controller('catalog')
export class CatalogController {
  private readonly catalog = buildCatalog();

  @Get()
  @ApiOperation({ summary: 'Incident types (CAMEO code, Goldstein weight, details schema), escalation levels and country codes' })
  @ApiOkResponse({ type: CatalogDocument })
  get(@Query() _query: NoQueryParameters) {
    return this.catalog;
  }
}
