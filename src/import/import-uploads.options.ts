/** POST /admin/imports: how large an uploaded file may be and where it waits while it is imported. */
export interface ImportUploadsOptions {
  /** Largest upload accepted, in bytes (413 beyond); IMPORT_UPLOAD_LIMIT_MB, default 512 MiB. */
  limitBytes?: number;
  /** Directory the uploads are streamed into (removed once imported); default the system's temporary directory. */
  directory?: string;
  /** Finished jobs remembered for GET /admin/imports/{jobId}; default 100. */
  jobsKept?: number;
}

export const IMPORT_UPLOADS_OPTIONS = Symbol('IMPORT_UPLOADS_OPTIONS');

/** A 1M-row GDELT export is about 400 MB plain and 60 MB gzipped: the limit admits a day of GDELT uncompressed. */
export const DEFAULT_UPLOAD_LIMIT_BYTES = 512 * 1024 * 1024;
export const DEFAULT_JOBS_KEPT = 100;
