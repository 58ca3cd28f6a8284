/** The one error type services throw. The web maps it to a page or `{"error":{code,message}}`, the CLI to one line and an exit code. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (message: string) => new AppError('not_found', message, 404);
export const invalid = (message: string) => new AppError('invalid', message, 400);
