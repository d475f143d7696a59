//===- Parser.cpp - Python parser -----------------------------------------===//
//
// One function per grammar rule, named after Python's grammar (test, or_test,
// comparison, factor, power, atom, ...). Errors set a single "first error"
// and make every rule return null from there on, as Toy's parser does; the
// first error is the one reported.
//
//===----------------------------------------------------------------------===//

#include "frontends/keras-python/Parser.h"

#include "frontends/common/LocatedError.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <optional>

using namespace cnnc;
using namespace cnnc::py;
using llvm::StringRef;

namespace {

unsigned depthOf(const Expr *e) { return e ? e->depth : 0; }

class Parser {
public:
  Parser(std::vector<Token> tokens, StringRef fileName)
      : toks(std::move(tokens)), file(fileName.str()) {}

  llvm::Expected<std::unique_ptr<Module>> run();

private:
  std::vector<Token> toks;
  std::string file;
  size_t idx = 0;
  unsigned recursion = 0;
  std::optional<std::pair<Position, std::string>> firstError;

  //===--------------------------------------------------------------------===//
  // Token helpers
  //===--------------------------------------------------------------------===//

  const Token &tok(size_t ahead = 0) const {
    return toks[std::min(idx + ahead, toks.size() - 1)];
  }
  bool failed() const { return firstError.has_value(); }
  void advance() {
    if (idx + 1 < toks.size())
      ++idx;
  }
  bool atOp(StringRef op, size_t ahead = 0) const {
    return tok(ahead).isOp(op);
  }
  bool atKeyword(StringRef kw, size_t ahead = 0) const {
    return tok(ahead).isKeyword(kw);
  }
  bool at(TokenKind kind) const { return tok().kind == kind; }
  bool acceptOp(StringRef op) {
    if (!atOp(op))
      return false;
    advance();
    return true;
  }
  bool acceptKeyword(StringRef kw) {
    if (!atKeyword(kw))
      return false;
    advance();
    return true;
  }

  std::nullptr_t error(Position pos, std::string message) {
    if (!firstError)
      firstError.emplace(pos, std::move(message));
    return nullptr;
  }
  std::nullptr_t errorHere(std::string message) {
    return error(tok().pos, std::move(message));
  }
  bool expectOp(StringRef op) {
    if (acceptOp(op))
      return true;
    errorHere(("expected '" + op + "'").str());
    return false;
  }
  bool expectKeyword(StringRef kw) {
    if (acceptKeyword(kw))
      return true;
    errorHere(("expected '" + kw + "'").str());
    return false;
  }
  /// Reads an identifier that is not a reserved word.
  bool expectName(std::string &name, Position *pos = nullptr) {
    if (!at(TokenKind::Name) || isKeyword(tok().text)) {
      errorHere("expected an identifier");
      return false;
    }
    name = tok().text;
    if (pos)
      *pos = tok().pos;
    advance();
    return true;
  }

  /// Limits recursion through the expression grammar (see kMaxParserRecursion).
  struct RecursionGuard {
    Parser &p;
    bool ok;
    explicit RecursionGuard(Parser &p)
        : p(p), ok(++p.recursion <= kMaxParserRecursion) {
      if (!ok)
        p.errorHere("expression is too deeply nested");
    }
    ~RecursionGuard() { --p.recursion; }
  };

  /// Sets a node's height from its children and rejects overly deep trees.
  template <typename T>
  std::unique_ptr<T> finish(std::unique_ptr<T> node,
                            std::initializer_list<const Expr *> kids) {
    unsigned d = 0;
    for (const Expr *k : kids)
      d = std::max(d, depthOf(k));
    return finishDepth(std::move(node), d);
  }
  template <typename T>
  std::unique_ptr<T> finishDepth(std::unique_ptr<T> node, unsigned childDepth) {
    node->depth = std::max(node->depth, childDepth + 1);
    if (node->depth > kMaxExprDepth)
      return error(node->getPos(), "expression is too deeply nested");
    return node;
  }
  static unsigned maxDepth(const std::vector<ExprPtr> &v) {
    unsigned d = 0;
    for (const ExprPtr &e : v)
      d = std::max(d, depthOf(e.get()));
    return d;
  }

  bool atExprStart() const;

  //===--------------------------------------------------------------------===//
  // Statements
  //===--------------------------------------------------------------------===//

  bool parseStatement(Block &out);
  bool parseSimpleStatements(Block &out);
  StmtPtr parseSmallStatement();
  StmtPtr parseExprStatement();
  StmtPtr parseImport();
  StmtPtr parseFromImport();
  bool parseBlock(Block &body);
  StmtPtr parseIf(Position pos);
  StmtPtr parseWhile();
  StmtPtr parseFor(Position pos, bool isAsync);
  StmtPtr parseTry();
  StmtPtr tryParseMatch();
  StmtPtr parseWith(Position pos, bool isAsync);
  bool parseWithItems(std::vector<WithItem> &items, bool parenthesized);
  StmtPtr parseFunctionDef(Position pos, bool isAsync,
                           std::vector<ExprPtr> decorators);
  StmtPtr parseClassDef(std::vector<ExprPtr> decorators);
  StmtPtr parseDecorated();
  bool parseParams(std::vector<Param> &params, StringRef close,
                   bool allowAnnotations);
  bool checkTarget(const Expr *e);

  //===--------------------------------------------------------------------===//
  // Expressions
  //===--------------------------------------------------------------------===//

  ExprPtr parseTestListStarExpr();
  ExprPtr parseTestOrStar();
  ExprPtr parseNamedExprTest();
  ExprPtr parseTest();
  ExprPtr parseLambda();
  ExprPtr parseOrTest();
  ExprPtr parseAndTest();
  ExprPtr parseNotTest();
  ExprPtr parseComparison();
  ExprPtr parseBinary(unsigned level);
  ExprPtr parseFactor();
  ExprPtr parsePower();
  ExprPtr parsePrimary();
  ExprPtr parseAtom();
  ExprPtr parseParenthesized();
  ExprPtr parseListDisplay();
  ExprPtr parseBraceDisplay();
  ExprPtr parseStrings();
  ExprPtr parseNumber();
  ExprPtr parseYield();
  ExprPtr parseExprList();
  ExprPtr parseSubscriptItem();
  bool parseCallArgs(CallExpr &call);
  bool parseComprehensionFors(ComprehensionExpr &comp);
  ExprPtr finishComprehension(std::unique_ptr<ComprehensionExpr> comp);
  ExprPtr parseSequenceRest(Expr::Kind kind, Position pos, ExprPtr first,
                            StringRef close);
};

} // namespace

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

llvm::Expected<std::unique_ptr<Module>> Parser::run() {
  auto module = std::make_unique<Module>();
  while (!failed() && !at(TokenKind::Eof)) {
    if (at(TokenKind::Newline)) {
      advance();
      continue;
    }
    parseStatement(module->body);
  }
  if (firstError)
    return makeError(
        SourceLoc{file, firstError->first.line, firstError->first.column},
        firstError->second);
  return std::move(module);
}

bool Parser::parseStatement(Block &out) {
  const Token &t = tok();
  if (t.kind == TokenKind::Indent)
    return errorHere("unexpected indent"), false;
  if (t.kind == TokenKind::Dedent)
    return errorHere("unexpected unindent"), false;
  StmtPtr stmt;
  if (t.kind == TokenKind::Name) {
    Position pos = t.pos;
    if (t.text == "if") {
      advance();
      stmt = parseIf(pos);
    } else if (t.text == "while") {
      stmt = parseWhile();
    } else if (t.text == "for") {
      advance();
      stmt = parseFor(pos, false);
    } else if (t.text == "try") {
      stmt = parseTry();
    } else if (t.text == "match" && ((stmt = tryParseMatch()) || failed())) {
      // A match statement; otherwise `match` was an ordinary name.
    } else if (t.text == "with") {
      advance();
      stmt = parseWith(pos, false);
    } else if (t.text == "def") {
      advance();
      stmt = parseFunctionDef(pos, false, {});
    } else if (t.text == "class") {
      stmt = parseClassDef({});
    } else if (t.text == "async" &&
               (atKeyword("def", 1) || atKeyword("for", 1) ||
                atKeyword("with", 1))) {
      advance();
      std::string kw = tok().text;
      advance();
      if (kw == "def")
        stmt = parseFunctionDef(pos, true, {});
      else if (kw == "for")
        stmt = parseFor(pos, true);
      else
        stmt = parseWith(pos, true);
    } else {
      return parseSimpleStatements(out);
    }
  } else if (t.isOp("@")) {
    stmt = parseDecorated();
  } else {
    return parseSimpleStatements(out);
  }
  if (!stmt)
    return false;
  out.push_back(std::move(stmt));
  return true;
}

/// simple_stmts: small_stmt (';' small_stmt)* [';'] NEWLINE
bool Parser::parseSimpleStatements(Block &out) {
  while (true) {
    StmtPtr stmt = parseSmallStatement();
    if (!stmt)
      return false;
    out.push_back(std::move(stmt));
    if (!acceptOp(";"))
      break;
    if (at(TokenKind::Newline))
      break;
  }
  if (!at(TokenKind::Newline))
    return errorHere("expected newline"), false;
  advance();
  return true;
}

StmtPtr Parser::parseSmallStatement() {
  const Token &t = tok();
  Position pos = t.pos;
  if (t.kind != TokenKind::Name)
    return parseExprStatement();
  StringRef kw = t.text;
  auto simple = [&](Stmt::Kind kind) {
    advance();
    return std::make_unique<SimpleStmt>(kind, pos);
  };
  if (kw == "pass")
    return simple(Stmt::Kind::Pass);
  if (kw == "break")
    return simple(Stmt::Kind::Break);
  if (kw == "continue")
    return simple(Stmt::Kind::Continue);
  if (kw == "return") {
    auto stmt = simple(Stmt::Kind::Return);
    if (atExprStart()) {
      ExprPtr value = parseTestListStarExpr();
      if (!value)
        return nullptr;
      stmt->exprs.push_back(std::move(value));
    }
    return stmt;
  }
  if (kw == "raise") {
    auto stmt = simple(Stmt::Kind::Raise);
    if (atExprStart()) {
      ExprPtr exc = parseTest();
      if (!exc)
        return nullptr;
      stmt->exprs.push_back(std::move(exc));
      if (acceptKeyword("from")) {
        ExprPtr cause = parseTest();
        if (!cause)
          return nullptr;
        stmt->exprs.push_back(std::move(cause));
      }
    }
    return stmt;
  }
  if (kw == "global" || kw == "nonlocal") {
    auto stmt =
        simple(kw == "global" ? Stmt::Kind::Global : Stmt::Kind::Nonlocal);
    do {
      std::string name;
      if (!expectName(name))
        return nullptr;
      stmt->names.push_back(name);
    } while (acceptOp(","));
    return stmt;
  }
  if (kw == "del") {
    auto stmt = simple(Stmt::Kind::Delete);
    ExprPtr targets = parseExprList();
    if (!targets || !checkTarget(targets.get()))
      return nullptr;
    stmt->exprs.push_back(std::move(targets));
    return stmt;
  }
  if (kw == "assert") {
    auto stmt = simple(Stmt::Kind::Assert);
    ExprPtr test = parseTest();
    if (!test)
      return nullptr;
    stmt->exprs.push_back(std::move(test));
    if (acceptOp(",")) {
      ExprPtr msg = parseTest();
      if (!msg)
        return nullptr;
      stmt->exprs.push_back(std::move(msg));
    }
    return stmt;
  }
  if (kw == "import")
    return parseImport();
  if (kw == "from")
    return parseFromImport();
  return parseExprStatement();
}

static bool isAugAssignOp(StringRef op) {
  return llvm::StringSwitch<bool>(op)
      .Cases("+=", "-=", "*=", "/=", "//=", "%=", "**=", true)
      .Cases(">>=", "<<=", "&=", "|=", "^=", "@=", true)
      .Default(false);
}

StmtPtr Parser::parseExprStatement() {
  Position pos = tok().pos;
  ExprPtr first = atKeyword("yield") ? parseYield() : parseTestListStarExpr();
  if (!first)
    return nullptr;

  if (atOp(":")) { // annotated assignment
    advance();
    auto stmt = std::make_unique<AnnAssignStmt>(pos);
    if (!checkTarget(first.get()))
      return nullptr;
    if (llvm::isa<SequenceExpr>(first.get()))
      return error(first->getPos(),
                   "only single target (not tuple) can be annotated");
    stmt->target = std::move(first);
    stmt->annotation = parseTest();
    if (!stmt->annotation)
      return nullptr;
    if (acceptOp("=")) {
      stmt->value = atKeyword("yield") ? parseYield() : parseTestListStarExpr();
      if (!stmt->value)
        return nullptr;
    }
    return stmt;
  }

  if (tok().kind == TokenKind::Op && isAugAssignOp(tok().text)) {
    std::string op = tok().text;
    op.pop_back();
    advance();
    if (!llvm::isa<NameExpr, AttributeExpr, SubscriptExpr>(first.get()))
      return error(first->getPos(),
                   "illegal expression for augmented assignment");
    ExprPtr value = atKeyword("yield") ? parseYield() : parseTestListStarExpr();
    if (!value)
      return nullptr;
    return std::make_unique<AugAssignStmt>(pos, std::move(first), op,
                                           std::move(value));
  }

  if (!atOp("="))
    return std::make_unique<ExprStmt>(pos, std::move(first));

  auto stmt = std::make_unique<AssignStmt>(pos);
  std::vector<ExprPtr> chain;
  chain.push_back(std::move(first));
  while (acceptOp("=")) {
    ExprPtr next = atKeyword("yield") ? parseYield() : parseTestListStarExpr();
    if (!next)
      return nullptr;
    chain.push_back(std::move(next));
  }
  stmt->value = std::move(chain.back());
  chain.pop_back();
  for (ExprPtr &target : chain) {
    if (!checkTarget(target.get()))
      return nullptr;
    stmt->targets.push_back(std::move(target));
  }
  return stmt;
}

/// Assignment targets: names, attributes, subscripts, and (starred) tuples
/// and lists of them.
bool Parser::checkTarget(const Expr *e) {
  switch (e->getKind()) {
  case Expr::Kind::Name:
  case Expr::Kind::Attribute:
  case Expr::Kind::Subscript:
    return true;
  case Expr::Kind::Starred:
    return checkTarget(llvm::cast<StarredExpr>(e)->value.get());
  case Expr::Kind::Tuple:
  case Expr::Kind::List:
    for (const ExprPtr &elt : llvm::cast<SequenceExpr>(e)->elts)
      if (!checkTarget(elt.get()))
        return false;
    return true;
  case Expr::Kind::Call:
    error(e->getPos(), "cannot assign to function call");
    return false;
  case Expr::Kind::Int:
  case Expr::Kind::Float:
  case Expr::Kind::Imaginary:
  case Expr::Kind::Str:
  case Expr::Kind::Constant:
    error(e->getPos(), "cannot assign to literal");
    return false;
  default:
    error(e->getPos(), "cannot assign to expression");
    return false;
  }
}

StmtPtr Parser::parseImport() {
  auto stmt = std::make_unique<ImportStmt>(tok().pos);
  advance(); // 'import'
  do {
    ImportAlias alias;
    alias.pos = tok().pos;
    std::string part;
    if (!expectName(part))
      return nullptr;
    alias.name = part;
    while (acceptOp(".")) {
      if (!expectName(part))
        return nullptr;
      alias.name += "." + part;
    }
    if (acceptKeyword("as") && !expectName(alias.asName))
      return nullptr;
    stmt->names.push_back(std::move(alias));
  } while (acceptOp(","));
  return stmt;
}

StmtPtr Parser::parseFromImport() {
  auto stmt = std::make_unique<ImportFromStmt>(tok().pos);
  advance(); // 'from'
  while (atOp(".") || atOp("...")) {
    stmt->level += atOp(".") ? 1 : 3;
    advance();
  }
  if (!atKeyword("import")) {
    std::string part;
    if (!expectName(part))
      return nullptr;
    stmt->module = part;
    while (acceptOp(".")) {
      if (!expectName(part))
        return nullptr;
      stmt->module += "." + part;
    }
  } else if (stmt->level == 0) {
    return errorHere("expected a module name");
  }
  if (!expectKeyword("import"))
    return nullptr;
  if (acceptOp("*")) {
    stmt->isStar = true;
    return stmt;
  }
  bool paren = acceptOp("(");
  do {
    if (paren && atOp(")"))
      break; // trailing comma
    ImportAlias alias;
    if (!expectName(alias.name, &alias.pos))
      return nullptr;
    if (acceptKeyword("as") && !expectName(alias.asName))
      return nullptr;
    stmt->names.push_back(std::move(alias));
  } while (acceptOp(","));
  if (paren && !expectOp(")"))
    return nullptr;
  return stmt;
}

/// block: ':' (NEWLINE INDENT statement+ DEDENT | simple_stmts)
bool Parser::parseBlock(Block &body) {
  if (!expectOp(":"))
    return false;
  if (!at(TokenKind::Newline))
    return parseSimpleStatements(body);
  advance();
  if (!at(TokenKind::Indent))
    return errorHere("expected an indented block"), false;
  advance();
  while (!at(TokenKind::Dedent) && !at(TokenKind::Eof)) {
    if (!parseStatement(body))
      return false;
  }
  advance(); // DEDENT
  return true;
}

StmtPtr Parser::parseIf(Position pos) {
  auto stmt = std::make_unique<IfStmt>(pos);
  stmt->test = parseNamedExprTest();
  if (!stmt->test || !parseBlock(stmt->body))
    return nullptr;
  if (atKeyword("elif")) {
    Position elifPos = tok().pos;
    advance();
    StmtPtr elif = parseIf(elifPos);
    if (!elif)
      return nullptr;
    stmt->orelse.push_back(std::move(elif));
  } else if (acceptKeyword("else")) {
    if (!parseBlock(stmt->orelse))
      return nullptr;
  }
  return stmt;
}

StmtPtr Parser::parseWhile() {
  auto stmt = std::make_unique<WhileStmt>(tok().pos);
  advance();
  stmt->test = parseNamedExprTest();
  if (!stmt->test || !parseBlock(stmt->body))
    return nullptr;
  if (acceptKeyword("else") && !parseBlock(stmt->orelse))
    return nullptr;
  return stmt;
}

StmtPtr Parser::parseFor(Position pos, bool isAsync) {
  auto stmt = std::make_unique<ForStmt>(pos);
  stmt->isAsync = isAsync;
  stmt->target = parseExprList();
  if (!stmt->target || !checkTarget(stmt->target.get()) || !expectKeyword("in"))
    return nullptr;
  stmt->iter = parseTestListStarExpr();
  if (!stmt->iter || !parseBlock(stmt->body))
    return nullptr;
  if (acceptKeyword("else") && !parseBlock(stmt->orelse))
    return nullptr;
  return stmt;
}

StmtPtr Parser::parseTry() {
  auto stmt = std::make_unique<TryStmt>(tok().pos);
  advance();
  if (!parseBlock(stmt->body))
    return nullptr;
  while (atKeyword("except")) {
    advance();
    acceptOp("*"); // except* (exception groups)
    ExceptHandler handler;
    if (!atOp(":")) {
      handler.type = parseTest();
      if (!handler.type)
        return nullptr;
      if (acceptKeyword("as") && !expectName(handler.name))
        return nullptr;
    }
    if (!parseBlock(handler.body))
      return nullptr;
    stmt->handlers.push_back(std::move(handler));
  }
  if (!stmt->handlers.empty() && acceptKeyword("else") &&
      !parseBlock(stmt->orelse))
    return nullptr;
  if (acceptKeyword("finally")) {
    if (!parseBlock(stmt->finalbody))
      return nullptr;
  } else if (stmt->handlers.empty()) {
    return errorHere("expected 'except' or 'finally' block");
  }
  return stmt;
}

/// match_stmt: "match" subject ':' NEWLINE INDENT case_block+ DEDENT.
/// `match` is a soft keyword, so this backtracks when the line turns out to
/// be an ordinary statement (`match = re.match(...)`). Patterns are skipped
/// up to their ':', since the evaluator never runs a match statement.
StmtPtr Parser::tryParseMatch() {
  size_t saved = idx;
  auto savedError = firstError;
  unsigned savedRecursion = recursion;
  auto backtrack = [&]() -> StmtPtr {
    idx = saved;
    firstError = savedError;
    recursion = savedRecursion;
    return nullptr;
  };
  auto stmt = std::make_unique<MatchStmt>(tok().pos);
  advance();
  if (!atExprStart())
    return backtrack();
  stmt->subject = parseTestListStarExpr();
  if (!stmt->subject || !atOp(":") || tok(1).kind != TokenKind::Newline ||
      tok(2).kind != TokenKind::Indent || !tok(3).isKeyword("case"))
    return backtrack();
  advance(); // ':'
  advance(); // NEWLINE
  advance(); // INDENT
  while (tok().isKeyword("case")) {
    advance();
    unsigned depth = 0;
    while (!(depth == 0 && atOp(":"))) {
      if (at(TokenKind::Newline) || at(TokenKind::Eof))
        return errorHere("expected ':'");
      if (atOp("(") || atOp("[") || atOp("{"))
        ++depth;
      else if ((atOp(")") || atOp("]") || atOp("}")) && depth > 0)
        --depth;
      advance();
    }
    stmt->cases.emplace_back();
    if (!parseBlock(stmt->cases.back()))
      return nullptr;
  }
  if (!at(TokenKind::Dedent))
    return errorHere("expected 'case'");
  advance();
  return stmt;
}

StmtPtr Parser::parseWith(Position pos, bool isAsync) {
  auto stmt = std::make_unique<WithStmt>(pos);
  stmt->isAsync = isAsync;
  // Python 3.9+ allows `with (a as b, c as d):`; try that reading first and
  // fall back to an ordinary parenthesized expression.
  if (atOp("(")) {
    size_t saved = idx;
    auto savedError = firstError;
    unsigned savedRecursion = recursion;
    advance();
    if (parseWithItems(stmt->items, true) && acceptOp(")") && atOp(":"))
      return parseBlock(stmt->body) ? std::move(stmt) : nullptr;
    idx = saved;
    firstError = savedError;
    recursion = savedRecursion;
    stmt->items.clear();
  }
  if (!parseWithItems(stmt->items, false) || !parseBlock(stmt->body))
    return nullptr;
  return stmt;
}

bool Parser::parseWithItems(std::vector<WithItem> &items, bool parenthesized) {
  do {
    if (parenthesized && atOp(")"))
      break;
    WithItem item;
    item.context = parseTest();
    if (!item.context)
      return false;
    if (acceptKeyword("as")) {
      // One target: `with a as b, c as d` is two items, not a tuple.
      item.target = parseBinary(0);
      if (!item.target || !checkTarget(item.target.get()))
        return false;
    }
    items.push_back(std::move(item));
  } while (acceptOp(","));
  return true;
}

StmtPtr Parser::parseDecorated() {
  std::vector<ExprPtr> decorators;
  while (atOp("@")) {
    advance();
    ExprPtr dec = parseNamedExprTest();
    if (!dec)
      return nullptr;
    if (!at(TokenKind::Newline))
      return errorHere("expected newline");
    advance();
    decorators.push_back(std::move(dec));
  }
  Position pos = tok().pos;
  if (acceptKeyword("def"))
    return parseFunctionDef(pos, false, std::move(decorators));
  if (atKeyword("async") && atKeyword("def", 1)) {
    advance();
    advance();
    return parseFunctionDef(pos, true, std::move(decorators));
  }
  if (atKeyword("class"))
    return parseClassDef(std::move(decorators));
  return errorHere("expected 'def' or 'class' after a decorator");
}

StmtPtr Parser::parseFunctionDef(Position pos, bool isAsync,
                                 std::vector<ExprPtr> decorators) {
  auto stmt = std::make_unique<FunctionDefStmt>(pos);
  stmt->isAsync = isAsync;
  stmt->decorators = std::move(decorators);
  if (!expectName(stmt->name) || !expectOp("(") ||
      !parseParams(stmt->params, ")", true) || !expectOp(")"))
    return nullptr;
  if (acceptOp("->")) {
    stmt->returns = parseTest();
    if (!stmt->returns)
      return nullptr;
  }
  if (!parseBlock(stmt->body))
    return nullptr;
  return stmt;
}

StmtPtr Parser::parseClassDef(std::vector<ExprPtr> decorators) {
  auto stmt = std::make_unique<ClassDefStmt>(tok().pos);
  advance(); // 'class'
  stmt->decorators = std::move(decorators);
  if (!expectName(stmt->name))
    return nullptr;
  if (atOp("(")) {
    CallExpr bases(tok().pos, nullptr);
    advance();
    if (!parseCallArgs(bases))
      return nullptr;
    stmt->bases = std::move(bases.args);
  }
  if (!parseBlock(stmt->body))
    return nullptr;
  return stmt;
}

/// Parameters of a def (with annotations) or lambda (without), up to
/// `close`: `a, b=1, /, *args, c, d=2, **kwargs`.
bool Parser::parseParams(std::vector<Param> &params, StringRef close,
                         bool allowAnnotations) {
  bool kwOnly = false;
  while (!atOp(close)) {
    // '/' only marks the parameters before it positional-only.
    if (acceptOp("/")) {
      if (!acceptOp(","))
        break;
      continue;
    }
    Param param;
    param.pos = tok().pos;
    if (acceptOp("**")) {
      param.kind = Param::Kind::VarKwargs;
    } else if (acceptOp("*")) {
      kwOnly = true;
      if (atOp(",") || atOp(close)) { // a bare '*'
        if (!acceptOp(","))
          break;
        continue;
      }
      param.kind = Param::Kind::VarArgs;
    } else if (kwOnly) {
      param.kind = Param::Kind::KwOnly;
    }
    if (!expectName(param.name))
      return false;
    if (allowAnnotations && acceptOp(":")) {
      param.annotation = parseTest();
      if (!param.annotation)
        return false;
    }
    if (acceptOp("=")) {
      param.defaultValue = parseTest();
      if (!param.defaultValue)
        return false;
    }
    params.push_back(std::move(param));
    if (!acceptOp(","))
      break;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

/// Whether the current token can begin an expression (used where an
/// expression is optional, e.g. after a trailing comma or `return`).
bool Parser::atExprStart() const {
  const Token &t = tok();
  switch (t.kind) {
  case TokenKind::Number:
  case TokenKind::String:
    return true;
  case TokenKind::Name:
    return !isKeyword(t.text) || t.text == "True" || t.text == "False" ||
           t.text == "None" || t.text == "not" || t.text == "lambda" ||
           t.text == "await" || t.text == "yield";
  case TokenKind::Op:
    return t.text == "(" || t.text == "[" || t.text == "{" || t.text == "-" ||
           t.text == "+" || t.text == "~" || t.text == "*" || t.text == "..." ||
           t.text == "**";
  default:
    return false;
  }
}

/// star_expressions: a bare tuple `a, *b, c` or a single expression.
ExprPtr Parser::parseTestListStarExpr() {
  ExprPtr first = parseTestOrStar();
  if (!first || !atOp(","))
    return first;
  Position pos = first->getPos();
  std::vector<ExprPtr> elts;
  elts.push_back(std::move(first));
  while (acceptOp(",")) {
    if (!atExprStart() || atOp("**"))
      break;
    ExprPtr next = parseTestOrStar();
    if (!next)
      return nullptr;
    elts.push_back(std::move(next));
  }
  unsigned d = maxDepth(elts);
  return finishDepth(
      std::make_unique<SequenceExpr>(Expr::Kind::Tuple, pos, std::move(elts)),
      d);
}

ExprPtr Parser::parseTestOrStar() {
  if (!atOp("*"))
    return parseNamedExprTest();
  Position pos = tok().pos;
  advance();
  ExprPtr value = parseBinary(0);
  if (!value)
    return nullptr;
  const Expr *v = value.get();
  return finish(std::make_unique<StarredExpr>(pos, std::move(value)), {v});
}

ExprPtr Parser::parseNamedExprTest() {
  if (at(TokenKind::Name) && atOp(":=", 1) && !isKeyword(tok().text)) {
    Position pos = tok().pos;
    std::string name = tok().text;
    advance();
    advance();
    ExprPtr value = parseTest();
    if (!value)
      return nullptr;
    const Expr *v = value.get();
    return finish(std::make_unique<NamedExpr>(pos, name, std::move(value)),
                  {v});
  }
  return parseTest();
}

ExprPtr Parser::parseTest() {
  RecursionGuard guard(*this);
  if (!guard.ok)
    return nullptr;
  if (atKeyword("lambda"))
    return parseLambda();
  ExprPtr body = parseOrTest();
  if (!body || !atKeyword("if"))
    return body;
  advance();
  ExprPtr test = parseOrTest();
  if (!test || !expectKeyword("else"))
    return nullptr;
  ExprPtr orelse = parseTest();
  if (!orelse)
    return nullptr;
  Position pos = body->getPos();
  const Expr *b = body.get(), *t = test.get(), *o = orelse.get();
  return finish(std::make_unique<IfExpr>(pos, std::move(body), std::move(test),
                                         std::move(orelse)),
                {b, t, o});
}

ExprPtr Parser::parseLambda() {
  auto lambda = std::make_unique<LambdaExpr>(tok().pos);
  advance();
  if (!parseParams(lambda->params, ":", false) || !expectOp(":"))
    return nullptr;
  lambda->body = parseTest();
  if (!lambda->body)
    return nullptr;
  unsigned d = depthOf(lambda->body.get());
  for (const Param &p : lambda->params)
    d = std::max(d, depthOf(p.defaultValue.get()));
  return finishDepth(std::move(lambda), d);
}

ExprPtr Parser::parseOrTest() {
  ExprPtr first = parseAndTest();
  if (!first || !atKeyword("or"))
    return first;
  auto node = std::make_unique<BoolOpExpr>(first->getPos(), false);
  node->values.push_back(std::move(first));
  while (acceptKeyword("or")) {
    ExprPtr next = parseAndTest();
    if (!next)
      return nullptr;
    node->values.push_back(std::move(next));
  }
  unsigned d = maxDepth(node->values);
  return finishDepth(std::move(node), d);
}

ExprPtr Parser::parseAndTest() {
  ExprPtr first = parseNotTest();
  if (!first || !atKeyword("and"))
    return first;
  auto node = std::make_unique<BoolOpExpr>(first->getPos(), true);
  node->values.push_back(std::move(first));
  while (acceptKeyword("and")) {
    ExprPtr next = parseNotTest();
    if (!next)
      return nullptr;
    node->values.push_back(std::move(next));
  }
  unsigned d = maxDepth(node->values);
  return finishDepth(std::move(node), d);
}

ExprPtr Parser::parseNotTest() {
  if (!atKeyword("not"))
    return parseComparison();
  RecursionGuard guard(*this);
  if (!guard.ok)
    return nullptr;
  Position pos = tok().pos;
  advance();
  ExprPtr operand = parseNotTest();
  if (!operand)
    return nullptr;
  const Expr *o = operand.get();
  return finish(std::make_unique<UnaryExpr>(pos, "not", std::move(operand)),
                {o});
}

ExprPtr Parser::parseComparison() {
  ExprPtr left = parseBinary(0);
  if (!left)
    return nullptr;
  std::unique_ptr<CompareExpr> node;
  while (true) {
    std::string op;
    const Token &t = tok();
    if (t.kind == TokenKind::Op &&
        (t.text == "<" || t.text == ">" || t.text == "==" || t.text == ">=" ||
         t.text == "<=" || t.text == "!=")) {
      op = t.text;
      advance();
    } else if (t.isKeyword("in")) {
      op = "in";
      advance();
    } else if (t.isKeyword("not") && atKeyword("in", 1)) {
      op = "not in";
      advance();
      advance();
    } else if (t.isKeyword("is")) {
      advance();
      op = acceptKeyword("not") ? "is not" : "is";
    } else {
      break;
    }
    ExprPtr right = parseBinary(0);
    if (!right)
      return nullptr;
    if (!node)
      node = std::make_unique<CompareExpr>(left->getPos(), std::move(left));
    node->ops.push_back(op);
    node->comparators.push_back(std::move(right));
  }
  if (!node)
    return left;
  unsigned d = std::max(depthOf(node->left.get()), maxDepth(node->comparators));
  return finishDepth(std::move(node), d);
}

/// The left-associative binary operator levels, loosest first.
static const std::vector<std::vector<StringRef>> &binaryLevels() {
  static const std::vector<std::vector<StringRef>> levels = {
      {"|"},        {"^"},      {"&"},
      {"<<", ">>"}, {"+", "-"}, {"*", "/", "//", "%", "@"}};
  return levels;
}

ExprPtr Parser::parseBinary(unsigned level) {
  const auto &levels = binaryLevels();
  if (level == levels.size())
    return parseFactor();
  ExprPtr lhs = parseBinary(level + 1);
  while (lhs && tok().kind == TokenKind::Op &&
         llvm::is_contained(levels[level], StringRef(tok().text))) {
    std::string op = tok().text;
    Position opPos = tok().pos;
    advance();
    ExprPtr rhs = parseBinary(level + 1);
    if (!rhs)
      return nullptr;
    Position pos = lhs->getPos();
    const Expr *l = lhs.get(), *r = rhs.get();
    auto node =
        std::make_unique<BinaryExpr>(pos, op, std::move(lhs), std::move(rhs));
    node->opPos = opPos;
    lhs = finish(std::move(node), {l, r});
  }
  return lhs;
}

ExprPtr Parser::parseFactor() {
  const Token &t = tok();
  if (!(t.isOp("-") || t.isOp("+") || t.isOp("~")))
    return parsePower();
  RecursionGuard guard(*this);
  if (!guard.ok)
    return nullptr;
  Position pos = t.pos;
  std::string op = t.text;
  advance();
  ExprPtr operand = parseFactor();
  if (!operand)
    return nullptr;
  const Expr *o = operand.get();
  return finish(std::make_unique<UnaryExpr>(pos, op, std::move(operand)), {o});
}

ExprPtr Parser::parsePower() {
  ExprPtr base;
  if (atKeyword("await")) {
    Position pos = tok().pos;
    advance();
    ExprPtr value = parsePrimary();
    if (!value)
      return nullptr;
    const Expr *v = value.get();
    base = finish(
        std::make_unique<WrapperExpr>(Expr::Kind::Await, pos, std::move(value)),
        {v});
  } else {
    base = parsePrimary();
  }
  if (!base || !atOp("**"))
    return base;
  Position opPos = tok().pos;
  advance();
  RecursionGuard guard(*this);
  if (!guard.ok)
    return nullptr;
  ExprPtr exponent = parseFactor(); // right-associative, binds unary minus
  if (!exponent)
    return nullptr;
  Position pos = base->getPos();
  const Expr *b = base.get(), *e = exponent.get();
  auto node = std::make_unique<BinaryExpr>(pos, "**", std::move(base),
                                           std::move(exponent));
  node->opPos = opPos;
  return finish(std::move(node), {b, e});
}

/// primary: atom ('.' NAME | '(' args ')' | '[' slices ']')*
ExprPtr Parser::parsePrimary() {
  ExprPtr e = parseAtom();
  while (e) {
    Position pos = e->getPos();
    if (acceptOp(".")) {
      std::string attr;
      if (!at(TokenKind::Name))
        return errorHere("expected an attribute name");
      attr = tok().text; // keywords are not attributes, but accept them
      advance();
      const Expr *v = e.get();
      e = finish(std::make_unique<AttributeExpr>(pos, std::move(e), attr), {v});
    } else if (atOp("(")) {
      auto call = std::make_unique<CallExpr>(pos, nullptr);
      call->parenPos = tok().pos;
      advance();
      if (!parseCallArgs(*call))
        return nullptr;
      unsigned d = depthOf(e.get());
      for (const CallArg &arg : call->args)
        d = std::max(d, depthOf(arg.value.get()));
      call->func = std::move(e);
      e = finishDepth(std::move(call), d);
    } else if (atOp("[")) {
      advance();
      std::vector<ExprPtr> items;
      bool trailingComma = false;
      Position indexPos = tok().pos;
      do {
        trailingComma = false;
        if (atOp("]"))
          break;
        ExprPtr item = parseSubscriptItem();
        if (!item)
          return nullptr;
        items.push_back(std::move(item));
        trailingComma = atOp(",");
      } while (acceptOp(","));
      if (items.empty())
        return errorHere("expected an expression");
      if (!expectOp("]"))
        return nullptr;
      ExprPtr index;
      if (items.size() == 1 && !trailingComma) {
        index = std::move(items.front());
      } else {
        unsigned d = maxDepth(items);
        index = finishDepth(std::make_unique<SequenceExpr>(
                                Expr::Kind::Tuple, indexPos, std::move(items)),
                            d);
        if (!index)
          return nullptr;
      }
      const Expr *v = e.get(), *i = index.get();
      e = finish(
          std::make_unique<SubscriptExpr>(pos, std::move(e), std::move(index)),
          {v, i});
    } else {
      break;
    }
  }
  return e;
}

/// slice: [test] ':' [test] [':' [test]] | test | '*' expr
ExprPtr Parser::parseSubscriptItem() {
  if (atOp("*"))
    return parseTestOrStar();
  Position pos = tok().pos;
  ExprPtr lower;
  if (!atOp(":")) {
    lower = parseNamedExprTest();
    if (!lower || !atOp(":"))
      return lower;
  }
  advance(); // ':'
  auto slice = std::make_unique<SliceExpr>(pos);
  slice->lower = std::move(lower);
  auto atEnd = [&] { return atOp(",") || atOp("]") || atOp(":"); };
  if (!atEnd()) {
    slice->upper = parseTest();
    if (!slice->upper)
      return nullptr;
  }
  if (acceptOp(":") && !atOp(",") && !atOp("]")) {
    slice->step = parseTest();
    if (!slice->step)
      return nullptr;
  }
  const Expr *a = slice->lower.get(), *b = slice->upper.get(),
             *c = slice->step.get();
  return finish(std::move(slice), {a, b, c});
}

/// Call arguments after '(' up to and including ')'.
bool Parser::parseCallArgs(CallExpr &call) {
  bool sawKeyword = false, sawDoubleStar = false;
  while (!atOp(")")) {
    CallArg arg;
    Position pos = tok().pos;
    if (acceptOp("*")) {
      if (sawDoubleStar)
        return error(pos, "iterable argument unpacking follows keyword "
                          "argument unpacking"),
               false;
      arg.kind = CallArg::Kind::Star;
      arg.value = parseTest();
    } else if (acceptOp("**")) {
      arg.kind = CallArg::Kind::DoubleStar;
      sawDoubleStar = true;
      arg.value = parseTest();
    } else if (at(TokenKind::Name) && atOp("=", 1)) {
      if (isKeyword(tok().text))
        return errorHere("expected an identifier"), false;
      arg.kind = CallArg::Kind::Keyword;
      arg.keyword = tok().text;
      arg.keywordPos = pos;
      sawKeyword = true;
      advance();
      advance();
      arg.value = parseTest();
    } else {
      if (sawDoubleStar)
        return error(pos, "positional argument follows keyword argument "
                          "unpacking"),
               false;
      if (sawKeyword)
        return error(pos, "positional argument follows keyword argument"),
               false;
      arg.value = parseNamedExprTest();
      if (arg.value &&
          (atKeyword("for") || (atKeyword("async") && atKeyword("for", 1)))) {
        // f(x for x in y): a generator expression as the argument.
        auto comp = std::make_unique<ComprehensionExpr>(
            arg.value->getPos(), ComprehensionExpr::Form::Generator);
        comp->element = std::move(arg.value);
        if (!parseComprehensionFors(*comp))
          return false;
        arg.value = finishComprehension(std::move(comp));
      }
    }
    if (!arg.value)
      return false;
    call.args.push_back(std::move(arg));
    if (!acceptOp(","))
      break;
  }
  return expectOp(")");
}

bool Parser::parseComprehensionFors(ComprehensionExpr &comp) {
  while (atKeyword("for") || (atKeyword("async") && atKeyword("for", 1))) {
    ComprehensionFor gen;
    gen.isAsync = acceptKeyword("async");
    advance(); // 'for'
    gen.target = parseExprList();
    if (!gen.target || !checkTarget(gen.target.get()) || !expectKeyword("in"))
      return false;
    gen.iter = parseOrTest();
    if (!gen.iter)
      return false;
    while (acceptKeyword("if")) {
      ExprPtr cond = parseOrTest();
      if (!cond)
        return false;
      gen.ifs.push_back(std::move(cond));
    }
    comp.generators.push_back(std::move(gen));
  }
  return true;
}

ExprPtr Parser::finishComprehension(std::unique_ptr<ComprehensionExpr> comp) {
  unsigned d =
      std::max(depthOf(comp->element.get()), depthOf(comp->value.get()));
  for (const ComprehensionFor &gen : comp->generators) {
    d = std::max({d, depthOf(gen.target.get()), depthOf(gen.iter.get()),
                  maxDepth(gen.ifs)});
  }
  return finishDepth(std::move(comp), d);
}

/// Targets of `for`, `del` and comprehensions: expressions without
/// comparisons, so that `in` ends them.
ExprPtr Parser::parseExprList() {
  auto one = [&]() -> ExprPtr {
    if (!atOp("*"))
      return parseBinary(0);
    Position pos = tok().pos;
    advance();
    ExprPtr value = parseBinary(0);
    if (!value)
      return nullptr;
    const Expr *v = value.get();
    return finish(std::make_unique<StarredExpr>(pos, std::move(value)), {v});
  };
  ExprPtr first = one();
  if (!first || !atOp(","))
    return first;
  Position pos = first->getPos();
  std::vector<ExprPtr> elts;
  elts.push_back(std::move(first));
  while (acceptOp(",")) {
    if (!atExprStart() || atKeyword("in"))
      break;
    ExprPtr next = one();
    if (!next)
      return nullptr;
    elts.push_back(std::move(next));
  }
  unsigned d = maxDepth(elts);
  return finishDepth(
      std::make_unique<SequenceExpr>(Expr::Kind::Tuple, pos, std::move(elts)),
      d);
}

ExprPtr Parser::parseAtom() {
  const Token &t = tok();
  Position pos = t.pos;
  switch (t.kind) {
  case TokenKind::Number:
    return parseNumber();
  case TokenKind::String:
    return parseStrings();
  case TokenKind::Name: {
    ConstantExpr::Value value;
    if (t.text == "True")
      value = ConstantExpr::Value::True;
    else if (t.text == "False")
      value = ConstantExpr::Value::False;
    else if (t.text == "None")
      value = ConstantExpr::Value::None;
    else if (isKeyword(t.text))
      return errorHere("expected an expression");
    else {
      auto name = std::make_unique<NameExpr>(pos, t.text);
      advance();
      return name;
    }
    advance();
    return std::make_unique<ConstantExpr>(pos, value);
  }
  case TokenKind::Op:
    if (t.text == "(")
      return parseParenthesized();
    if (t.text == "[")
      return parseListDisplay();
    if (t.text == "{")
      return parseBraceDisplay();
    if (t.text == "...") {
      advance();
      return std::make_unique<ConstantExpr>(pos, ConstantExpr::Value::Ellipsis);
    }
    return errorHere("expected an expression");
  case TokenKind::Indent:
    return errorHere("unexpected indent");
  default:
    return errorHere("expected an expression");
  }
}

ExprPtr Parser::parseNumber() {
  const Token &t = tok();
  StringRef text = t.text;
  Expr::Kind kind = Expr::Kind::Int;
  bool prefixed = text.size() > 1 && text[0] == '0' &&
                  (text[1] == 'x' || text[1] == 'o' || text[1] == 'b');
  if (!prefixed) {
    if (text.ends_with("j"))
      kind = Expr::Kind::Imaginary;
    else if (text.contains('.') || text.contains('e'))
      kind = Expr::Kind::Float;
  }
  auto node = std::make_unique<NumberExpr>(kind, t.pos, t.text);
  advance();
  return node;
}

/// Adjacent string literals concatenate ('a' "b" → 'ab').
ExprPtr Parser::parseStrings() {
  Position pos = tok().pos;
  std::string value;
  bool isBytes = tok().isBytes, isFString = false;
  while (at(TokenKind::String)) {
    if (tok().isBytes != isBytes)
      return errorHere("cannot mix bytes and nonbytes literals");
    value += tok().text;
    isFString |= tok().isFString;
    advance();
  }
  return std::make_unique<StrExpr>(pos, std::move(value), isBytes, isFString);
}

ExprPtr Parser::parseYield() {
  Position pos = tok().pos;
  advance(); // 'yield'
  auto node = std::make_unique<WrapperExpr>(Expr::Kind::Yield, pos, nullptr);
  if (acceptKeyword("from")) {
    node->isYieldFrom = true;
    node->value = parseTest();
    if (!node->value)
      return nullptr;
  } else if (atExprStart()) {
    node->value = parseTestListStarExpr();
    if (!node->value)
      return nullptr;
  }
  const Expr *v = node->value.get();
  return finish(std::move(node), {v});
}

/// '(' ... ')': empty tuple, parenthesized expression, tuple, generator
/// expression or yield.
ExprPtr Parser::parseParenthesized() {
  Position pos = tok().pos;
  advance();
  if (acceptOp(")"))
    return std::make_unique<SequenceExpr>(Expr::Kind::Tuple, pos,
                                          std::vector<ExprPtr>());
  if (atKeyword("yield")) {
    ExprPtr y = parseYield();
    if (!y || !expectOp(")"))
      return nullptr;
    return y;
  }
  ExprPtr first = parseTestOrStar();
  if (!first)
    return nullptr;
  if (atKeyword("for") || (atKeyword("async") && atKeyword("for", 1))) {
    auto comp = std::make_unique<ComprehensionExpr>(
        pos, ComprehensionExpr::Form::Generator);
    comp->element = std::move(first);
    if (!parseComprehensionFors(*comp) || !expectOp(")"))
      return nullptr;
    return finishComprehension(std::move(comp));
  }
  if (!atOp(",")) {
    if (!expectOp(")"))
      return nullptr;
    return first;
  }
  return parseSequenceRest(Expr::Kind::Tuple, pos, std::move(first), ")");
}

/// After the first element of a display: `, elt, elt [,] close`.
ExprPtr Parser::parseSequenceRest(Expr::Kind kind, Position pos, ExprPtr first,
                                  StringRef close) {
  std::vector<ExprPtr> elts;
  if (first)
    elts.push_back(std::move(first));
  while (acceptOp(",")) {
    if (atOp(close))
      break;
    ExprPtr next = parseTestOrStar();
    if (!next)
      return nullptr;
    elts.push_back(std::move(next));
  }
  if (!expectOp(close))
    return nullptr;
  unsigned d = maxDepth(elts);
  return finishDepth(std::make_unique<SequenceExpr>(kind, pos, std::move(elts)),
                     d);
}

ExprPtr Parser::parseListDisplay() {
  Position pos = tok().pos;
  advance();
  if (acceptOp("]"))
    return std::make_unique<SequenceExpr>(Expr::Kind::List, pos,
                                          std::vector<ExprPtr>());
  ExprPtr first = parseTestOrStar();
  if (!first)
    return nullptr;
  if (atKeyword("for") || (atKeyword("async") && atKeyword("for", 1))) {
    auto comp =
        std::make_unique<ComprehensionExpr>(pos, ComprehensionExpr::Form::List);
    comp->element = std::move(first);
    if (!parseComprehensionFors(*comp) || !expectOp("]"))
      return nullptr;
    return finishComprehension(std::move(comp));
  }
  return parseSequenceRest(Expr::Kind::List, pos, std::move(first), "]");
}

/// '{' ... '}': dict, set, or their comprehensions.
ExprPtr Parser::parseBraceDisplay() {
  Position pos = tok().pos;
  advance();
  auto dict = std::make_unique<DictExpr>(pos);
  if (acceptOp("}"))
    return dict;

  // The first entry decides between a dict and a set.
  ExprPtr key, value;
  if (acceptOp("**")) {
    value = parseBinary(0);
    if (!value)
      return nullptr;
  } else {
    key = parseTestOrStar();
    if (!key)
      return nullptr;
    if (!atOp(":")) {
      if (atKeyword("for") || (atKeyword("async") && atKeyword("for", 1))) {
        auto comp = std::make_unique<ComprehensionExpr>(
            pos, ComprehensionExpr::Form::Set);
        comp->element = std::move(key);
        if (!parseComprehensionFors(*comp) || !expectOp("}"))
          return nullptr;
        return finishComprehension(std::move(comp));
      }
      return parseSequenceRest(Expr::Kind::Set, pos, std::move(key), "}");
    }
    advance(); // ':'
    value = parseTest();
    if (!value)
      return nullptr;
    if (atKeyword("for") || (atKeyword("async") && atKeyword("for", 1))) {
      auto comp = std::make_unique<ComprehensionExpr>(
          pos, ComprehensionExpr::Form::Dict);
      comp->element = std::move(key);
      comp->value = std::move(value);
      if (!parseComprehensionFors(*comp) || !expectOp("}"))
        return nullptr;
      return finishComprehension(std::move(comp));
    }
  }
  dict->keys.push_back(std::move(key));
  dict->values.push_back(std::move(value));
  while (acceptOp(",")) {
    if (atOp("}"))
      break;
    if (acceptOp("**")) {
      ExprPtr mapping = parseBinary(0);
      if (!mapping)
        return nullptr;
      dict->keys.push_back(nullptr);
      dict->values.push_back(std::move(mapping));
      continue;
    }
    ExprPtr k = parseTest();
    if (!k || !expectOp(":"))
      return nullptr;
    ExprPtr v = parseTest();
    if (!v)
      return nullptr;
    dict->keys.push_back(std::move(k));
    dict->values.push_back(std::move(v));
  }
  if (!expectOp("}"))
    return nullptr;
  unsigned d = std::max(maxDepth(dict->keys), maxDepth(dict->values));
  return finishDepth(std::move(dict), d);
}

llvm::Expected<std::unique_ptr<Module>> py::parseModule(StringRef source,
                                                        StringRef fileName) {
  auto tokens = tokenize(source, fileName);
  if (!tokens)
    return tokens.takeError();
  return Parser(std::move(*tokens), fileName).run();
}
