/**
 * The server cannot start as configured, for a reason the operator can fix; the message names the
 * setting and the operating system's reason, on one line.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** `EACCES permission denied` from `EACCES: permission denied, open '/x/y'`: the code and the system's words, no path. */
export function systemReason(error: unknown): string {
  const { code, message } = (error ?? {}) as NodeJS.ErrnoException;
  const words = typeof message === 'string' ? /^[A-Z0-9_]+: ([^,]+)/.exec(message)?.[1] : undefined;
  if (code && words) return `${code} ${words}`;
  return code ?? (error instanceof Error ? error.message : String(error));
}

/** What a failed `listen` means, said in terms of PORT and HOST. */
export function listenFailure(error: unknown, port: number, host: string): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EADDRINUSE':
      return new StartupError(`PORT=${port} is in use on ${host} (EADDRINUSE): another process is listening there; stop it or choose another PORT`);
    case 'EACCES':
      return new StartupError(`PORT=${port} cannot be opened on ${host} (EACCES permission denied): ports below 1024 need privileges; choose another PORT`);
    case 'EADDRNOTAVAIL':
      return new StartupError(`HOST=${host} is not an address of this machine (EADDRNOTAVAIL)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartupError(`HOST=${host} does not resolve to an address (${code})`);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}
