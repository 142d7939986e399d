/**
 * Splits a byte stream into lines. Works on bytes, not strings, so a multi-byte UTF-8 character cut
 * between two reads is decoded whole; a trailing `\r` is dropped.
 */
export class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);

  /** The complete lines of `chunk` (with what was left from before); keeps the unfinished tail. */
  push(chunk: Buffer): string[] {
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const lines: string[] = [];
    let start = 0;
    for (let end = data.indexOf(0x0a, start); end !== -1; end = data.indexOf(0x0a, start)) {
      lines.push(stripCr(data.toString('utf8', start, end)));
      start = end + 1;
    }
    // A copy: a subarray would keep the whole (possibly large) read buffer alive.
    this.rest = Buffer.from(data.subarray(start));
    return lines;
  }

  /** The unfinished tail as a last line (end of input), or `undefined` when there is none. */
  flush(): string | undefined {
    if (this.rest.length === 0) return undefined;
    const line = stripCr(this.rest.toString('utf8'));
    this.rest = Buffer.alloc(0);
    return line;
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
