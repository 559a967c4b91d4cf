import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';

export interface LogLine {
  level: 'log' | 'warn' | 'error';
  context: string | undefined;
  message: string;
}

/**
 * What the application logs from now on (Nest's Logger, whatever the app's logger setting), as
 * an operator reads it. Undone by jest.restoreAllMocks().
 */
export function captureLogLines(): LogLine[] {
  const lines: LogLine[] = [];
  for (const level of ['log', 'warn', 'error'] as const) {
    jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, message: unknown) {
      lines.push({ level, context: (this as unknown as { context?: string }).context, message: String(message) });
    });
  }
  return lines;
}
