//===- Lexer.cpp - Python tokenizer ---------------------------------------===//
//
// Follows CPython's tokenizer (Parser/tokenizer.c) closely enough that real
// scripts tokenize as Python does: blank and comment-only lines never produce
// tokens, brackets join lines, tabs advance to the next multiple of 8 and are
// checked against a tab size of 1 as CPython does to catch inconsistent
// tab/space mixes, and f-strings are skipped as opaque literals (including
// 3.12's nested quotes inside replacement fields).
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-python/Lexer.h"

#include "frontends/common/LocatedError.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

using namespace cnnc;
using namespace cnnc::py;
using llvm::Error;
using llvm::StringRef;

bool py::isKeyword(StringRef name) {
  return llvm::StringSwitch<bool>(name)
      .Cases("False", "None", "True", "and", "as", "assert", "async", true)
      .Cases("await", "break", "class", "continue", "def", "del", true)
      .Cases("elif", "else", "except", "finally", "for", "from", true)
      .Cases("global", "if", "import", "in", "is", "lambda", true)
      .Cases("nonlocal", "not", "or", "pass", "raise", "return", true)
      .Cases("try", "while", "with", "yield", true)
      .Default(false);
}

namespace {

bool isNewlineChar(char c) { return c == '\n' || c == '\r'; }
bool isIdentStart(char c) {
  return llvm::isAlpha(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}
bool isIdentChar(char c) { return isIdentStart(c) || llvm::isDigit(c); }
bool isOctDigit(char c) { return c >= '0' && c <= '7'; }
bool isBinDigit(char c) { return c == '0' || c == '1'; }

void appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

class Lexer {
public:
  Lexer(StringRef source, StringRef fileName)
      : src(source), file(fileName.str()) {}

  llvm::Expected<std::vector<Token>> run();

private:
  StringRef src;
  std::string file;
  size_t cur = 0;
  unsigned line = 1;
  size_t lineStart = 0;
  bool atLineStart = true;
  std::vector<Token> tokens;
  std::vector<std::pair<char, Position>> brackets;
  // Indentation stacks with tabs to multiples of 8 and with tabs as 1 column:
  // CPython requires both to order lines the same way.
  std::vector<unsigned> indents{0}, altIndents{0};

  bool atEnd(size_t k = 0) const { return cur + k >= src.size(); }
  char peek(size_t k = 0) const { return atEnd(k) ? '\0' : src[cur + k]; }
  Position here() const { return {line, unsigned(cur - lineStart + 1)}; }

  template <typename... Parts>
  Error error(Position pos, const Parts &...parts) {
    return makeError(SourceLoc{file, pos.line, pos.column}, parts...);
  }

  void push(TokenKind kind, std::string text, Position pos) {
    Token tok;
    tok.kind = kind;
    tok.text = std::move(text);
    tok.pos = pos;
    tokens.push_back(std::move(tok));
  }

  /// Consumes "\n", "\r\n" or "\r" at `cur`.
  void consumeNewline() {
    if (peek() == '\r' && peek(1) == '\n')
      ++cur;
    ++cur;
    ++line;
    lineStart = cur;
  }

  Error lexLineStart(bool &blank);
  Error lexName();
  Error lexNumber();
  Error lexString(Position start, StringRef prefix);
  Error lexEscape(std::string &value, bool isBytes);
  Error skipFStringField(Position start, char quote, bool triple,
                         std::string &value, unsigned nesting);
  Error skipNestedString(Position start, std::string &value);
  Error lexOperator();
  Error invalidCharacter();
};

} // namespace

llvm::Expected<std::vector<Token>> Lexer::run() {
  // A UTF-8 byte order mark is not part of the program.
  if (src.starts_with("\xEF\xBB\xBF"))
    cur = lineStart = 3;

  while (true) {
    if (atLineStart && brackets.empty()) {
      bool blank = false;
      if (Error err = lexLineStart(blank))
        return std::move(err);
      if (atEnd())
        break;
      if (blank)
        continue;
    }
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\f'))
      ++cur;
    if (atEnd())
      break;

    char c = peek();
    if (c == '#') {
      while (!atEnd() && !isNewlineChar(peek()))
        ++cur;
      continue;
    }
    if (isNewlineChar(c)) {
      Position pos = here();
      consumeNewline();
      if (brackets.empty()) {
        push(TokenKind::Newline, "", pos);
        atLineStart = true;
      }
      continue;
    }
    if (c == '\\') {
      Position pos = here();
      ++cur;
      if (atEnd())
        return error(pos, "unexpected end of file after line continuation "
                          "character");
      if (!isNewlineChar(peek()))
        return error(pos, "unexpected character after line continuation "
                          "character");
      consumeNewline();
      continue;
    }
    Error err = Error::success();
    if (isIdentStart(c))
      err = lexName();
    else if (llvm::isDigit(c) || (c == '.' && llvm::isDigit(peek(1))))
      err = lexNumber();
    else if (c == '\'' || c == '"')
      err = lexString(here(), "");
    else
      err = lexOperator();
    if (err)
      return std::move(err);
  }

  if (!brackets.empty())
    return error(brackets.back().second, "'",
                 std::string(1, brackets.back().first), "' was never closed");
  Position end = here();
  if (!tokens.empty() && tokens.back().kind != TokenKind::Newline)
    push(TokenKind::Newline, "", end);
  for (size_t i = 1; i < indents.size(); ++i)
    push(TokenKind::Dedent, "", end);
  push(TokenKind::Eof, "", end);
  return std::move(tokens);
}

/// Measures a line's indentation and emits INDENT/DEDENT tokens; `blank` is
/// set for lines holding only whitespace and a comment, which Python ignores.
Error Lexer::lexLineStart(bool &blank) {
  unsigned col = 0, alt = 0;
  while (!atEnd()) {
    char c = peek();
    if (c == ' ') {
      ++col;
      ++alt;
    } else if (c == '\t') {
      col = (col / 8 + 1) * 8;
      ++alt;
    } else if (c == '\f') {
      col = alt = 0;
    } else {
      break;
    }
    ++cur;
  }
  if (atEnd())
    return Error::success();
  char c = peek();
  if (c == '#' || isNewlineChar(c)) {
    while (!atEnd() && !isNewlineChar(peek()))
      ++cur;
    if (!atEnd())
      consumeNewline();
    blank = true;
    return Error::success();
  }

  atLineStart = false;
  Position pos = here();
  const char *tabError = "inconsistent use of tabs and spaces in indentation";
  if (col == indents.back()) {
    if (alt != altIndents.back())
      return error(pos, tabError);
  } else if (col > indents.back()) {
    if (alt <= altIndents.back())
      return error(pos, tabError);
    if (indents.size() > kMaxIndentLevels)
      return error(pos, "too many levels of indentation");
    indents.push_back(col);
    altIndents.push_back(alt);
    push(TokenKind::Indent, "", pos);
  } else {
    while (indents.size() > 1 && col < indents.back()) {
      indents.pop_back();
      altIndents.pop_back();
      push(TokenKind::Dedent, "", pos);
    }
    if (col != indents.back())
      return error(pos, "inconsistent indentation");
    if (alt != altIndents.back())
      return error(pos, tabError);
  }
  return Error::success();
}

Error Lexer::lexName() {
  Position pos = here();
  size_t start = cur;
  while (!atEnd() && isIdentChar(peek())) {
    // Pasted text brings non-breaking spaces, which look like blanks but
    // would silently become part of a name.
    if (peek() == '\xC2' && peek(1) == '\xA0')
      return error(here(), "invalid non-printable character U+00A0");
    if (peek() == '\xEF' && peek(1) == '\xBB' && peek(2) == '\xBF')
      return error(here(), "invalid non-printable character U+FEFF");
    ++cur;
  }
  StringRef word = src.slice(start, cur);
  if (!atEnd() && (peek() == '\'' || peek() == '"') && word.size() <= 2) {
    std::string lower = word.lower();
    if (lower == "r" || lower == "u" || lower == "b" || lower == "f" ||
        lower == "br" || lower == "rb" || lower == "fr" || lower == "rf")
      return lexString(pos, word);
  }
  push(TokenKind::Name, word.str(), pos);
  return Error::success();
}

Error Lexer::lexNumber() {
  Position pos = here();
  std::string text;
  auto digits = [&](bool (*isDigitFn)(char)) {
    bool any = false;
    while (true) {
      if (isDigitFn(peek()) && !atEnd()) {
        text += peek();
        ++cur;
        any = true;
      } else if (peek() == '_' && any && isDigitFn(peek(1))) {
        ++cur;
      } else {
        return any;
      }
    }
  };
  auto isDec = [](char c) { return llvm::isDigit(c); };
  auto isHex = [](char c) { return llvm::isHexDigit(c); };

  char prefix = char(llvm::toLower(peek(1)));
  if (peek() == '0' && (prefix == 'x' || prefix == 'o' || prefix == 'b')) {
    text = std::string("0") + prefix;
    cur += 2;
    if (peek() == '_')
      ++cur;
    bool ok = prefix == 'x'   ? digits(isHex)
              : prefix == 'o' ? digits(isOctDigit)
                              : digits(isBinDigit);
    if (!ok || isIdentChar(peek()))
      return error(pos, "invalid ",
                   prefix == 'x'   ? "hexadecimal"
                   : prefix == 'o' ? "octal"
                                   : "binary",
                   " literal");
    push(TokenKind::Number, text, pos);
    return Error::success();
  }

  bool isFloat = false;
  if (peek() != '.')
    digits(isDec);
  if (peek() == '.') {
    text += '.';
    ++cur;
    isFloat = true;
    digits(isDec);
  }
  if ((peek() == 'e' || peek() == 'E') &&
      (llvm::isDigit(peek(1)) ||
       ((peek(1) == '+' || peek(1) == '-') && llvm::isDigit(peek(2))))) {
    text += 'e';
    ++cur;
    if (peek() == '+' || peek() == '-') {
      text += peek();
      ++cur;
    }
    digits(isDec);
    isFloat = true;
  }
  bool isImaginary = false;
  if (peek() == 'j' || peek() == 'J') {
    text += 'j';
    ++cur;
    isImaginary = true;
  }
  if (peek() == '_')
    return error(pos, "invalid decimal literal");
  if (isIdentStart(peek())) {
    // CPython still accepts `1if x else 2` and friends.
    size_t end = cur;
    while (end < src.size() && isIdentChar(src[end]))
      ++end;
    StringRef word = src.slice(cur, end);
    if (word != "and" && word != "or" && word != "if" && word != "else" &&
        word != "in" && word != "is" && word != "not" && word != "for")
      return error(pos, "invalid decimal literal");
  }
  if (!isFloat && !isImaginary && text.size() > 1 && text[0] == '0' &&
      text.find_first_not_of('0') != std::string::npos)
    return error(pos, "leading zeros in decimal integer literals are not "
                      "permitted");
  push(TokenKind::Number, text, pos);
  return Error::success();
}

Error Lexer::lexString(Position start, StringRef prefix) {
  std::string lower = prefix.lower();
  bool isRaw = lower.find('r') != std::string::npos;
  bool isBytes = lower.find('b') != std::string::npos;
  bool isFString = lower.find('f') != std::string::npos;
  char quote = peek();
  bool triple = peek(1) == quote && peek(2) == quote;
  cur += triple ? 3 : 1;
  const char *unterminated =
      triple ? "unterminated triple-quoted string" : "unterminated string";

  std::string value;
  while (true) {
    if (atEnd())
      return error(start, unterminated);
    char c = peek();
    if (c == quote) {
      if (!triple) {
        ++cur;
        break;
      }
      if (peek(1) == quote && peek(2) == quote) {
        cur += 3;
        break;
      }
      value += c;
      ++cur;
      continue;
    }
    if (isNewlineChar(c)) {
      if (!triple)
        return error(start, unterminated);
      value += '\n';
      consumeNewline();
      continue;
    }
    if (c == '\\') {
      if (atEnd(1))
        return error(start, unterminated);
      if (isRaw || isFString) {
        // Kept as written; an escaped quote still does not end the string.
        value += '\\';
        ++cur;
        if (isNewlineChar(peek())) {
          value += '\n';
          consumeNewline();
        } else {
          value += peek();
          ++cur;
        }
        continue;
      }
      if (Error err = lexEscape(value, isBytes))
        return err;
      continue;
    }
    if (isFString && c == '{') {
      if (peek(1) == '{') {
        value += "{{";
        cur += 2;
        continue;
      }
      if (Error err = skipFStringField(start, quote, triple, value, 0))
        return err;
      continue;
    }
    if (c == '\0')
      return error(here(), "source code cannot contain null bytes");
    value += c;
    ++cur;
  }

  Token tok;
  tok.kind = TokenKind::String;
  tok.text = std::move(value);
  tok.pos = start;
  tok.isBytes = isBytes;
  tok.isFString = isFString;
  tokens.push_back(std::move(tok));
  return Error::success();
}

/// Decodes one backslash escape of a non-raw string; `cur` is at the
/// backslash.
Error Lexer::lexEscape(std::string &value, bool isBytes) {
  Position pos = here();
  ++cur;
  char c = peek();
  auto readHex = [&](unsigned count, uint32_t &out) {
    out = 0;
    for (unsigned i = 0; i < count; ++i) {
      if (atEnd(i) || !llvm::isHexDigit(peek(i)))
        return false;
      out = out * 16 + llvm::hexDigitValue(peek(i));
    }
    cur += count;
    return true;
  };
  switch (c) {
  case '\n':
  case '\r':
    consumeNewline(); // a continuation inside the literal
    return Error::success();
  case '\\':
  case '\'':
  case '"':
    value += c;
    break;
  case 'a':
    value += '\a';
    break;
  case 'b':
    value += '\b';
    break;
  case 'f':
    value += '\f';
    break;
  case 'n':
    value += '\n';
    break;
  case 'r':
    value += '\r';
    break;
  case 't':
    value += '\t';
    break;
  case 'v':
    value += '\v';
    break;
  case 'x': {
    ++cur;
    uint32_t cp;
    if (!readHex(2, cp))
      return error(pos, "truncated \\xXX escape");
    if (isBytes)
      value += char(cp);
    else
      appendUtf8(value, cp);
    return Error::success();
  }
  case 'u':
  case 'U': {
    if (isBytes) {
      value += '\\';
      return Error::success(); // not an escape in bytes: kept as written
    }
    ++cur;
    uint32_t cp;
    if (!readHex(c == 'u' ? 4 : 8, cp))
      return error(pos, "truncated \\", std::string(1, c), " escape");
    if (cp > 0x10FFFF)
      return error(pos, "illegal Unicode character");
    appendUtf8(value, cp);
    return Error::success();
  }
  case 'N': {
    // Character names would need Unicode's name table; the value of such a
    // string never matters to a model, so keep the escape as written.
    if (isBytes) {
      value += '\\';
      return Error::success();
    }
    if (peek(1) != '{')
      return error(pos, "malformed \\N character escape");
    size_t end = cur + 2;
    while (end < src.size() && src[end] != '}' && !isNewlineChar(src[end]))
      ++end;
    if (end >= src.size() || src[end] != '}')
      return error(pos, "malformed \\N character escape");
    value += "\\";
    value += src.slice(cur, end + 1).str();
    cur = end + 1;
    return Error::success();
  }
  default:
    if (isOctDigit(c)) {
      uint32_t cp = 0;
      for (unsigned i = 0; i < 3 && isOctDigit(peek()); ++i) {
        cp = cp * 8 + (peek() - '0');
        ++cur;
      }
      if (isBytes)
        value += char(cp & 0xFF);
      else
        appendUtf8(value, cp);
      return Error::success();
    }
    // Unknown escapes keep their backslash (Python only warns).
    value += '\\';
    return Error::success();
  }
  ++cur;
  return Error::success();
}

/// Skips an f-string replacement field `{expr!r:spec}`; `cur` is at '{'.
/// Brackets and strings inside the expression are honoured so that a '}' or
/// quote in them does not end the field early.
Error Lexer::skipFStringField(Position start, char quote, bool triple,
                              std::string &value, unsigned nesting) {
  if (nesting > kMaxBracketNesting)
    return error(here(), "too many nested parentheses");
  value += '{';
  ++cur;
  unsigned depth = 0;
  bool inSpec = false;
  while (true) {
    if (atEnd())
      return error(start, triple ? "unterminated triple-quoted string"
                                 : "unterminated string");
    char c = peek();
    if (isNewlineChar(c)) {
      if (!triple)
        return error(start, "unterminated string");
      value += '\n';
      consumeNewline();
      continue;
    }
    if (!inSpec && (c == '\'' || c == '"')) {
      // Python 3.12 allows even the enclosing quote here; older versions
      // reject it, so reading it as a nested string accepts both.
      if (Error err = skipNestedString(start, value))
        return err;
      continue;
    }
    if (inSpec && c == '{') {
      if (Error err =
              skipFStringField(start, quote, triple, value, nesting + 1))
        return err;
      continue;
    }
    value += c;
    ++cur;
    if (inSpec) {
      if (c == '}')
        return Error::success();
      continue;
    }
    if (c == '(' || c == '[' || c == '{') {
      if (++depth > kMaxBracketNesting)
        return error(here(), "too many nested parentheses");
    } else if (c == ')' || c == ']') {
      if (depth > 0)
        --depth;
    } else if (c == '}') {
      if (depth == 0)
        return Error::success();
      --depth;
    } else if (c == ':' && depth == 0) {
      inSpec = true;
    }
  }
}

/// Skips a string literal nested in an f-string field, copying it verbatim.
Error Lexer::skipNestedString(Position start, std::string &value) {
  char quote = peek();
  bool triple = peek(1) == quote && peek(2) == quote;
  unsigned len = triple ? 3 : 1;
  value.append(len, quote);
  cur += len;
  while (true) {
    if (atEnd())
      return error(start, "unterminated string");
    char c = peek();
    if (isNewlineChar(c)) {
      if (!triple)
        return error(start, "unterminated string");
      value += '\n';
      consumeNewline();
      continue;
    }
    if (c == '\\' && !atEnd(1) && !isNewlineChar(peek(1))) {
      value += c;
      value += peek(1);
      cur += 2;
      continue;
    }
    if (c == quote && (!triple || (peek(1) == quote && peek(2) == quote))) {
      value.append(len, quote);
      cur += len;
      return Error::success();
    }
    value += c;
    ++cur;
  }
}

Error Lexer::lexOperator() {
  static const char *const ops[] = {
      "**=", "//=", ">>=", "<<=", "...", "**", "//", ">>", "<<", "<=",
      ">=",  "==",  "!=",  "->",  "+=",  "-=", "*=", "/=", "%=", "&=",
      "|=",  "^=",  "@=",  ":=",  "+",   "-",  "*",  "/",  "%",  "@",
      "&",   "|",   "^",   "~",   "<",   ">",  "(",  ")",  "[",  "]",
      "{",   "}",   ",",   ":",   ".",   ";",  "="};
  Position pos = here();
  StringRef rest = src.substr(cur);
  for (const char *op : ops) {
    if (!rest.starts_with(op))
      continue;
    char c = op[0];
    if (op[1] == '\0' && (c == '(' || c == '[' || c == '{')) {
      if (brackets.size() >= kMaxBracketNesting)
        return error(pos, "too many nested parentheses");
      brackets.push_back({c, pos});
    } else if (op[1] == '\0' && (c == ')' || c == ']' || c == '}')) {
      if (brackets.empty())
        return error(pos, "unmatched '", std::string(1, c), "'");
      auto [open, openPos] = brackets.back();
      char expected = open == '(' ? ')' : open == '[' ? ']' : '}';
      if (c != expected)
        return error(pos, "closing parenthesis '", std::string(1, c),
                     "' does not match opening parenthesis '",
                     std::string(1, open), "'",
                     openPos.line == pos.line
                         ? std::string()
                         : " on line " + std::to_string(openPos.line));
      brackets.pop_back();
    }
    cur += strlen(op);
    push(TokenKind::Op, op, pos);
    return Error::success();
  }
  return invalidCharacter();
}

Error Lexer::invalidCharacter() {
  Position pos = here();
  unsigned char c = static_cast<unsigned char>(peek());
  if (c == 0)
    return error(pos, "source code cannot contain null bytes");
  if (c < 0x20 || c == 0x7F)
    return error(pos, "invalid non-printable character U+",
                 llvm::utohexstr(c, /*LowerCase=*/false, /*Width=*/4));
  return error(pos, "invalid character '", std::string(1, char(c)), "'");
}

llvm::Expected<std::vector<Token>> py::tokenize(StringRef source,
                                                StringRef fileName) {
  return Lexer(source, fileName).run();
}
