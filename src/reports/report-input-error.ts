/** Where a report input problem was found: a command-line argument, or a line and column of a file. */
export interface ReportInputWhere {
  /** The argument or option at fault, e.g. `--filter`. */
  readonly argument?: string;
  /** 1-based line of the input file. */
  readonly line?: number;
  /** 1-based column of the input file. */
  readonly column?: number;
}

/**
 * A report's input cannot be used: a bad `--filter`/`--parts` value, or an XML file that is malformed,
 * carries a DOCTYPE, or is not a csexport document. The message names the argument (and what is
 * accepted) or the line and column.
 */
export class ReportInputError extends Error {
  override readonly name = 'ReportInputError';
  readonly argument: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(message: string, where: ReportInputWhere = {}, options?: ErrorOptions) {
    super(message, options);
    this.argument = where.argument;
    this.line = where.line;
    this.column = where.column;
  }
}
