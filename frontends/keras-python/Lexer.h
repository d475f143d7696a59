//===- Lexer.h - Python tokenizer -------------------------------*- C++ -*-===//
//
// Turns Python source into the token stream of Python's own tokenizer:
// INDENT/DEDENT from an indentation stack, NEWLINE only at the end of a
// logical line (not inside brackets or after a backslash continuation), and
// string literals already decoded. The whole file is tokenized up front so
// that a lexical error anywhere is reported before anything is evaluated.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_LEXER_H
#define CNNC_FRONTENDS_KERASPYTHON_LEXER_H

#include "frontends/keras-python/AST.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace cnnc {
namespace py {

enum class TokenKind {
  Name,    // identifiers and keywords
  Number,  // text normalised: '_' removed
  String,  // text decoded (f-strings: raw body)
  Op,      // operators and delimiters, text as written
  Newline, // end of a logical line
  Indent,
  Dedent,
  Eof,
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  std::string text;
  Position pos;
  bool isBytes = false;   // String: b'...'
  bool isFString = false; // String: f'...'

  bool is(TokenKind k, llvm::StringRef t) const {
    return kind == k && text == t;
  }
  bool isOp(llvm::StringRef t) const { return is(TokenKind::Op, t); }
  bool isKeyword(llvm::StringRef t) const { return is(TokenKind::Name, t); }
};

/// CPython's limits, which also keep every recursive walk shallow.
constexpr unsigned kMaxBracketNesting = 200;
constexpr unsigned kMaxIndentLevels = 100;

/// Tokenizes a whole file. Errors are LocatedErrors in `fileName`.
llvm::Expected<std::vector<Token>> tokenize(llvm::StringRef source,
                                            llvm::StringRef fileName);

/// True for Python's reserved words (which can never be names).
bool isKeyword(llvm::StringRef name);

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_LEXER_H
