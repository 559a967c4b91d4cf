import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOCK, type Clock } from '../clock.js';
import { EventImporter } from './event-importer.js';
import { readEventFile } from './formats/read-event-file.js';
import type { EventFormat } from './formats/event-format.js';
import type { ImportReport } from './import-report.js';
import { DEFAULT_JOBS_KEPT, DEFAULT_UPLOAD_LIMIT_BYTES, IMPORT_UPLOADS_OPTIONS, type ImportUploadsOptions } from './import-uploads.options.js';

export type ImportJobState = 'queued' | 'running' | 'finished' | 'failed';

/** One uploaded file's import, as GET /admin/imports/{jobId} reports it. */
export interface ImportJob {
  jobId: string;
  state: ImportJobState;
  format: EventFormat;
  bytes: number;
  acceptedAt: string;
  startedAt: string | null;
  endedAt: string | null;
  /** The figures so far: updated after every batch, final once finished. */
  report: ImportReport;
  /** Why a failed job failed; the batches appended before it stay appended. */
  error: string | null;
}

/**
 * The imports of uploaded files, run one at a time in the background (one import's batches
 * already keep the store busy; two would only share it). Jobs live in this process's memory:
 * a restart forgets them, but not what they imported — every batch is appended durably as it is
 * decided, and uploading the file again imports exactly what is missing (the event ids are the
 * rows' UUID v5s).
 */
@Injectable()
export class ImportJobs implements OnApplicationShutdown {
  private readonly logger = new Logger('ImportJobs');
  private readonly jobs = new Map<string, ImportJob>();
  private queue: Promise<void> = Promise.resolve();
  private uploadDirectory: Promise<string> | undefined;
  private closing = false;
  readonly limitBytes: number;

  constructor(
    private readonly importer: EventImporter,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IMPORT_UPLOADS_OPTIONS) private readonly options: ImportUploadsOptions,
  ) {
    this.limitBytes = options.limitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
  }

  /** A fresh path for an upload to be streamed to, in a directory of this process's own. */
  async uploadPath(): Promise<string> {
    this.uploadDirectory ??= mkdtemp(join(this.options.directory ?? tmpdir(), 'demarche-uploads-'));
    return join(await this.uploadDirectory, randomUUID());
  }

  /**
   * Queues the import of an uploaded file, which it then owns (and removes once imported). Its
   * format is detected first: a file of no known format throws UnknownFormatError and is removed,
   * and nothing is appended.
   */
  async start(file: string, bytes: number): Promise<ImportJob> {
    let format: EventFormat;
    try {
      format = (await readEventFile(file)).format;
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
    const job: ImportJob = {
      jobId: randomUUID(),
      state: 'queued',
      format,
      bytes,
      acceptedAt: this.clock.now().toISOString(),
      startedAt: null,
      endedAt: null,
      report: { file: 'upload', format, dataset: '', rowsRead: 0, interstateRows: 0, incidentsCreated: 0, corroborations: 0, alreadyRecorded: 0, skipped: {}, elapsedMs: 0 },
      error: null,
    };
    this.remember(job);
    this.queue = this.queue.then(() => this.run(job, file));
    return job;
  }

  find(jobId: string): ImportJob | undefined {
    return this.jobs.get(jobId);
  }

  /** Lets the running import finish its batch before the store closes; queued ones are not started. */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.queue;
    if (this.uploadDirectory) await rm(await this.uploadDirectory, { recursive: true, force: true });
  }

  private async run(job: ImportJob, file: string): Promise<void> {
    try {
      if (this.closing) throw new Error('The server shut down before this import started; upload the file again');
      job.state = 'running';
      job.startedAt = this.clock.now().toISOString();
      job.report = await this.importer.importFile(file, {
        onProgress: (report) => (job.report = { ...report, file: 'upload' }),
        shouldStop: () => this.closing,
      });
      job.report.file = 'upload';
      job.state = 'finished';
    } catch (error) {
      job.state = 'failed';
      job.error = (error as Error).message.replaceAll(file, 'the upload');
      this.logger.warn(`Import job ${job.jobId} failed: ${job.error}`);
    } finally {
      job.endedAt = this.clock.now().toISOString();
      await rm(file, { force: true });
    }
  }

  /** Keeps the latest jobs: the oldest finished ones are forgotten beyond the bound. */
  private remember(job: ImportJob): void {
    this.jobs.set(job.jobId, job);
    const kept = this.options.jobsKept ?? DEFAULT_JOBS_KEPT;
    for (const [id, old] of this.jobs) {
      if (this.jobs.size <= kept) break;
      if (old.state === 'finished' || old.state === 'failed') this.jobs.delete(id);
    }
  }
}
