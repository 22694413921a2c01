/**
 * Where a JSON text first stops being JSON, and what was expected there. JSON.parse's messages give
 * a position only for some errors, so a small recursive-descent scan of RFC 8259 finds it instead.
 */
interface JsonSyntaxError {
  /** Offset into the text (UTF-16 code units). */
  offset: number;
  expected: string;
}

export function locateJsonError(text: string): JsonSyntaxError | null {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const error = (expected: string): JsonSyntaxError => ({ offset: i, expected });
  const literal = (word: string): JsonSyntaxError | null => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return null;
    }
    return error(`a JSON value (string, number, object, array, true, false or null)`);
  };
  const string = (): JsonSyntaxError | null => {
    if (text[i] !== '"') return error("a double-quoted string");
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        return null;
      }
      if (c === "\\") {
        const next = text[i + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            return error("four hex digits after \\u");
          }
          i += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) {
          i++;
          return error('an escape: \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX');
        }
        i += 2;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) return error("no control character inside a string (escape it)");
      i++;
    }
    return error('a closing "');
  };
  const number = (): JsonSyntaxError | null => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "-") return error("a JSON value (string, number, object, array, true, false or null)");
    i += m[0].length;
    return null;
  };
  const value = (depth: number): JsonSyntaxError | null => {
    if (depth > 64) return error("at most 64 levels of nesting");
    ws();
    const c = text[i];
    if (c === "{") return object(depth);
    if (c === "[") return array(depth);
    if (c === '"') return string();
    if (c === "t") return literal("true");
    if (c === "f") return literal("false");
    if (c === "n") return literal("null");
    return number();
  };
  const object = (depth: number): JsonSyntaxError | null => {
    i++;
    ws();
    if (text[i] === "}") {
      i++;
      return null;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') return error("a double-quoted property name");
      const key = string();
      if (key) return key;
      ws();
      if (text[i] !== ":") return error('":" after the property name');
      i++;
      const v = value(depth + 1);
      if (v) return v;
      ws();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "}") {
        i++;
        return null;
      }
      return error('"," or "}" after a property value');
    }
  };
  const array = (depth: number): JsonSyntaxError | null => {
    i++;
    ws();
    if (text[i] === "]") {
      i++;
      return null;
    }
    for (;;) {
      const v = value(depth + 1);
      if (v) return v;
      ws();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "]") {
        i++;
        return null;
      }
      return error('"," or "]" after an array element');
    }
  };
  const e = value(0);
  if (e) return e;
  ws();
  return i < text.length ? error("nothing after the JSON value") : null;
}
