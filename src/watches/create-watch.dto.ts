import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsDefined, IsIn, IsObject, IsString, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { isCountryCode } from '../domain/countries.js';
import { ESCALATION_LEVELS, type EscalationLevel } from '../domain/escalation.js';
import { IsCountryCode, IsOmittable, IsText } from '../http/validators.js';
import { WATCH_RULE_TYPES, type WatchRuleType } from './watch-rules.js';

const LEVELS = ESCALATION_LEVELS.map((band) => band.level);

/** At most this many pairs and countries per watch: a watch over everything is a dashboard, not an alert. */
export const MAX_WATCHED = 100;

/** "AZE-FRA" or "FRA-AZE": two different country codes. */
function IsPairKey(): PropertyDecorator {
  return ValidateBy({
    name: 'isPairKey',
    validator: {
      validate: (value) => {
        if (typeof value !== 'string') return false;
        const [a, b, ...rest] = value.split('-');
        return rest.length === 0 && isCountryCode(a) && isCountryCode(b) && a !== b;
      },
      defaultMessage: () => 'each pair must be two different ISO 3166-1 alpha-3 codes joined by a hyphen, e.g. AZE-FRA',
    },
  }, { each: true });
}

export class WatchRuleDto {
  @ApiProperty({ enum: WATCH_RULE_TYPES, description: '`level_reached`: the level is `level` or worse; `band_moved_in_a_day`: the level differs from 24 hours earlier; `month_deteriorated`: this month so far is judged deteriorated', example: 'level_reached' })
  @IsDefined() @IsIn(WATCH_RULE_TYPES, { message: `must be one of ${WATCH_RULE_TYPES.join(', ')}` })
  type!: WatchRuleType;

  @ApiPropertyOptional({ enum: LEVELS, description: 'For level_reached only: the level to be alerted at (or worse)', example: 'crisis' })
  @ValidateIf((rule: WatchRuleDto) => rule.type === 'level_reached' || rule.level !== undefined)
  @IsDefined({ message: 'is needed by the rule level_reached (one of ' + LEVELS.join(', ') + ')' })
  @IsIn(LEVELS, { message: `must be one of ${LEVELS.join(', ')}` })
  @ValidateBy({ name: 'onlyForLevelReached', validator: { validate: (_value, args) => (args?.object as WatchRuleDto).type === 'level_reached', defaultMessage: () => 'is read by the rule level_reached only; leave it out' } })
  level?: EscalationLevel;
}

export class CreateWatchDto {
  @ApiProperty({ maxLength: 100, example: 'Caucasus desk: AZE–FRA reaches crisis' })
  @IsText(100)
  name!: string;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_WATCHED, description: 'Pairs to watch, e.g. AZE-FRA (either order)', example: ['AZE-FRA'] })
  @IsOmittable() @IsArray() @ArrayMaxSize(MAX_WATCHED) @ArrayUnique() @IsPairKey()
  pairs?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: MAX_WATCHED, description: 'Countries whose every pair is watched, including pairs first reported later', example: ['ARM'] })
  @IsOmittable() @IsArray() @ArrayMaxSize(MAX_WATCHED) @ArrayUnique() @IsCountryCode({ each: true })
  countries?: string[];

  @ApiProperty({ type: WatchRuleDto })
  @IsDefined() @IsObject() @ValidateNested() @Type(() => WatchRuleDto)
  rule!: WatchRuleDto;

  @ApiPropertyOptional({ format: 'uri', description: 'Where alerts are POSTed, signed; https to a public address (http to loopback and private networks only where the server allows them)', example: 'https://hooks.example.org/demarche' })
  @IsOmittable() @IsString()
  webhookUrl?: string;
}
