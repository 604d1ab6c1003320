// Where a text stops being JSON, said with a line and a column a person can find. JSON.parse
// cannot say it everywhere: WebKit's message has no position at all ("JSON Parse error:
// Expected '}'"), V8's an offset; this checker reads the text the way JSON.parse does.

export interface JsonSyntaxError {
  /** 1-based, counted in characters as the user sees them. */
  line: number;
  column: number;
  /** What was expected there, as a sentence: "Expected ',' or '}'". */
  message: string;
}

/** The 1-based line and column of a UTF-16 offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  const line = before.split("\n").length;
  return { line, column: [...before.slice(lineStart)].length + 1 };
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

/** The first syntax error in `text`, or null when JSON.parse would take it. */
export function jsonSyntaxError(text: string): JsonSyntaxError | null {
  let at = 0;
  const stop = (message: string, offset = at): never => {
    throw new Stop(offset, message);
  };
  const skipSpace = () => {
    while (at < text.length && WHITESPACE.has(text[at]!)) at += 1;
  };
  const shown = (c: string | undefined) => (c === undefined ? "the end of the text" : `'${c}'`);

  function string() {
    const start = at;
    at += 1; // the opening quote
    for (;;) {
      const c = text[at];
      if (c === undefined) stop("This string has no closing '\"'", start);
      if (c === '"') {
        at += 1;
        return;
      }
      if (c! < " ")
        stop("A line break or control character in a string must be escaped (\\n, \\t)");
      if (c === "\\") {
        const next = text[at + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6)))
            stop("Expected four hex digits after \\u");
          at += 6;
          continue;
        }
        if (next === undefined || !ESCAPES.has(next)) stop(`Unknown escape \\${next ?? ""}`);
        at += 2;
        continue;
      }
      at += 1;
    }
  }

  function number() {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(at));
    if (!match || match[0] === "-") stop("Expected a digit");
    at += match![0].length;
    // "01", "1.", "1e": JSON.parse refuses what follows the valid part.
    const next = text[at];
    if (next !== undefined && /[0-9.eE]/.test(next)) stop(`Unexpected ${shown(next)} in a number`);
  }

  function value() {
    skipSpace();
    const c = text[at];
    if (c === "{") return object();
    if (c === "[") return array();
    if (c === '"') return string();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return number();
    if (c === "'") stop('Strings and property names go in double quotes (")');
    const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(at))?.[0];
    if (word === "true" || word === "false" || word === "null") {
      at += word.length;
      return;
    }
    if (word) stop(`Unexpected '${word}': expected a value (text goes in double quotes)`);
    stop(`Expected a value, not ${shown(c)}`);
  }

  function object() {
    at += 1;
    skipSpace();
    if (text[at] === "}") {
      at += 1;
      return;
    }
    for (;;) {
      skipSpace();
      const c = text[at];
      if (c === "}") stop("Expected a property name after ',' (remove the trailing comma)");
      if (c === "'") stop('Strings and property names go in double quotes (")');
      if (c !== '"') stop(`Expected a property name in double quotes, not ${shown(c)}`);
      string();
      skipSpace();
      if (text[at] !== ":") stop("Expected ':' after the property name");
      at += 1;
      value();
      skipSpace();
      const after = text[at];
      if (after === "}") {
        at += 1;
        return;
      }
      if (after !== ",") stop("Expected ',' or '}'");
      at += 1;
    }
  }

  function array() {
    at += 1;
    skipSpace();
    if (text[at] === "]") {
      at += 1;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[at] === "]") stop("Expected a value after ',' (remove the trailing comma)");
      value();
      skipSpace();
      const after = text[at];
      if (after === "]") {
        at += 1;
        return;
      }
      if (after !== ",") stop("Expected ',' or ']'");
      at += 1;
    }
  }

  try {
    value();
    skipSpace();
    if (at < text.length) stop("Unexpected text after the end of the JSON value");
    return null;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { ...lineAndColumn(text, error.offset), message: error.message };
  }
}
