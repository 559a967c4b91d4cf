import { Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequiresRole } from '../auth/requires-role.decorator.js';
import { ApiProblemAs, ApiProblems } from '../docs/problem.schema.js';
import { ImportJobResponse } from '../docs/responses/import-job.responses.js';
import { NoQueryParameters } from '../http/no-query-parameters.js';
import { validationProblem } from '../http/problem.js';
import { ProblemException } from '../http/problem.js';
import { saveRequestBody, UPLOAD_MEDIA_TYPES } from '../http/raw-upload.js';
import { UnknownFormatError } from '../import/formats/event-format.js';
import { ImportJobs, type ImportJob } from '../import/import-jobs.js';

const jobIdPipe = new ParseUUIDPipe({ exceptionFactory: () => validationProblem([{ field: 'jobId', message: 'must be a UUID' }]) });

/** Importing an uploaded event-data file (GDELT, ICEWS, PLOVER) as a background job. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('admin/imports')
@RequiresRole('admin')
export class AdminImportsController {
  constructor(private readonly jobs: ImportJobs) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Import an uploaded GDELT, ICEWS or PLOVER file (role admin)',
    description:
      'The body is the file itself (plain, gzip or zip; the format is detected from the content), streamed to disk, never held in memory. ' +
      'Once the upload is complete and its format recognised, the answer is 202 with the job, also at its Location; the import runs in the background, ' +
      'one job at a time, through the decider as `npm run import` does, with the same event ids: a file uploaded again appends nothing. ' +
      'Jobs are kept in memory (the last 100): a restart forgets them but not the batches they appended.',
  })
  @ApiConsumes(...UPLOAD_MEDIA_TYPES)
  @ApiBody({ description: 'The event file, as raw bytes', schema: { type: 'string', format: 'binary' } })
  @ApiAcceptedResponse({ type: ImportJobResponse, headers: { Location: { description: 'The job: /admin/imports/{jobId}', schema: { type: 'string' } } } })
  @ApiProblems(400, 401, 403)
  @ApiProblemAs(413, 'The upload is larger than IMPORT_UPLOAD_LIMIT_MB (default 512 MiB)', 'An uploaded event file may have at most 536870912 bytes (IMPORT_UPLOAD_LIMIT_MB)', '/admin/imports')
  @ApiProblemAs(415, 'Content-Type is not one of the upload types', 'An event file is uploaded as its raw bytes with Content-Type one of application/octet-stream, …', '/admin/imports')
  @ApiProblemAs(422, 'The content is no known event-data format: nothing was appended', 'The upload is not a known event-data format (…)', '/admin/imports')
  async upload(@Query() _query: NoQueryParameters, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ImportJobResponse> {
    const file = await this.jobs.uploadPath();
    const bytes = await saveRequestBody(request, file, this.jobs.limitBytes);
    let job: ImportJob;
    try {
      job = await this.jobs.start(file, bytes);
    } catch (error) {
      if (!(error instanceof UnknownFormatError)) throw error;
      throw new ProblemException({
        type: 'https://demarche.dev/problems/unknown-event-format',
        title: 'Not a known event-data format',
        status: 422,
        detail: `The upload ${error.message.slice(error.message.indexOf(':') + 2)}; nothing was appended`,
        errors: [{ field: 'body', message: 'must be a GDELT 2.0 or 1.0 export, an ICEWS .tab file or PLOVER JSON / JSON lines (plain, .gz or .zip)' }],
      });
    }
    reply.header('location', `/admin/imports/${job.jobId}`);
    return jobResponse(job);
  }

  @Get(':jobId')
  @ApiOperation({ summary: "An import job's state and figures so far (role admin)" })
  @ApiOkResponse({ type: ImportJobResponse })
  @ApiProblems(400, 401, 403, 404)
  status(@Param('jobId', jobIdPipe) jobId: string, @Query() _query: NoQueryParameters): ImportJobResponse {
    const job = this.jobs.find(jobId);
    if (!job) throw new NotFoundException(`No import job ${jobId} (jobs are kept in memory: a restart, or 100 later jobs, forget it)`);
    return jobResponse(job);
  }
}

function jobResponse(job: ImportJob): ImportJobResponse {
  const { report } = job;
  return {
    jobId: job.jobId,
    state: job.state,
    format: job.format,
    bytes: job.bytes,
    acceptedAt: job.acceptedAt,
    startedAt: job.startedAt,
    endedAt: job.endedAt,
    rowsRead: report.rowsRead,
    interstateRows: report.interstateRows,
    accepted: report.incidentsCreated + report.corroborations,
    incidentsCreated: report.incidentsCreated,
    corroborations: report.corroborations,
    alreadyRecorded: report.alreadyRecorded,
    skipped: structuredClone(report.skipped),
    malformedLines: structuredClone(report.skipped.malformed?.firstLines ?? []),
    elapsedMs: report.elapsedMs,
    error: job.error,
  };
}
