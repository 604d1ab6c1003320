import { describe, expect, it } from "vitest";
import { checkSample } from "./eventTypeForm";
import { jsonSyntaxError, lineAndColumn } from "./jsonSyntax";

describe("jsonSyntaxError", () => {
  it("names the line and column where the JSON stops, and what was expected there", () => {
    const text = '{\n  "invoice": {\n    "id": "inv_42"\n    "amount": 1250\n  }\n}';
    expect(jsonSyntaxError(text)).toEqual({
      line: 4,
      column: 5,
      message: "Expected ',' or '}'",
    });
  });

  it("points at the end of a text that stops early", () => {
    expect(jsonSyntaxError('{"invoice": 1')).toEqual({
      line: 1,
      column: 14,
      message: "Expected ',' or '}'",
    });
    expect(jsonSyntaxError('{"a": "open')).toMatchObject({ line: 1, column: 7 });
  });

  it("explains the usual slips: trailing commas, single quotes, bare words", () => {
    expect(jsonSyntaxError('{"a": 1,\n}')).toEqual({
      line: 2,
      column: 1,
      message: "Expected a property name after ',' (remove the trailing comma)",
    });
    expect(jsonSyntaxError("[1, 2,]")?.message).toMatch(/trailing comma/);
    expect(jsonSyntaxError("{'a': 1}")?.message).toMatch(/double quotes/);
    expect(jsonSyntaxError('{"a": yes}')).toMatchObject({ column: 7, message: /'yes'/ });
    expect(jsonSyntaxError('{"a": 1} x')?.message).toMatch(/after the end/);
    expect(jsonSyntaxError('{"a": 01}')).toMatchObject({ column: 8 });
    expect(jsonSyntaxError('{"a": "\\x"}')?.message).toMatch(/escape/);
  });

  it("takes what JSON.parse takes", () => {
    for (const text of [
      "{}",
      " [] ",
      '{"a": [1, -2.5e3, true, false, null, "\\u00e9\\n"], "b": {"c": {}}}',
      '"text"',
      "0",
    ]) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonSyntaxError(text)).toBeNull();
    }
  });

  it("counts columns in characters, not UTF-16 units", () => {
    expect(lineAndColumn('{"😀": x', 7)).toEqual({ line: 1, column: 7 });
  });
});

describe("checkSample", () => {
  it("gives the line and column of a JSON error", () => {
    expect(checkSample('{\n  "a": 1\n  "b": 2\n}')).toEqual({
      ok: false,
      message: "This is not valid JSON. Line 3, column 3: Expected ',' or '}'.",
    });
  });

  it("keeps the keys in the order they were typed", () => {
    const check = checkSample('{"zeta": 1, "alpha": {"b": 2, "a": 1}}');
    expect(check.ok && JSON.stringify(check.sample)).toBe('{"zeta":1,"alpha":{"b":2,"a":1}}');
  });
});
