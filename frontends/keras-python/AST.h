//===- AST.h - Python abstract syntax tree ----------------------*- C++ -*-===//
//
// The parser reads the whole Python statement and expression grammar, so
// that any real-world training script parses, but the evaluator only looks at
// module-level statements and the constant part of expressions. The nodes
// therefore keep what the evaluator needs (names, constants, calls with their
// argument positions, statement bodies) and drop the rest (annotations are
// kept only as parsed expressions, never interpreted).
//
// Nodes use LLVM-style RTTI (`llvm::isa/dyn_cast` via `classof`).
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_FRONTENDS_KERASPYTHON_AST_H
#define CNNC_FRONTENDS_KERASPYTHON_AST_H

#include "llvm/Support/Casting.h"

#include <memory>
#include <string>
#include <vector>

namespace cnnc {
namespace py {

/// A 1-based line and column (in bytes) in the source file.
struct Position {
  unsigned line = 0;
  unsigned column = 0;
};

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

class Expr {
public:
  enum class Kind {
    Name,
    Int,       // text: digits with an optional 0x/0o/0b prefix, no '_'
    Float,     // text as written, without '_'
    Imaginary, // 1j
    Str,       // decoded text; f-strings are opaque
    Constant,  // True, False, None, ...
    Tuple,
    List,
    Set,
    Dict,
    Starred, // *x (in calls, displays and targets)
    Attribute,
    Subscript,
    Slice,
    Call,
    Unary,
    Binary,
    BoolOp,
    Compare,
    IfExp,
    Lambda,
    Comprehension,
    NamedExpr, // x := value
    Await,
    Yield,
  };

  Expr(Kind kind, Position pos) : kind(kind), pos(pos) {}
  virtual ~Expr() = default;

  Kind getKind() const { return kind; }
  /// The position of the expression's first token.
  Position getPos() const { return pos; }
  /// Height of the tree below this node; the parser bounds it so that the
  /// recursive evaluator and the destructors cannot exhaust the stack.
  unsigned depth = 1;

private:
  Kind kind;
  Position pos;
};

using ExprPtr = std::unique_ptr<Expr>;

class NameExpr : public Expr {
public:
  NameExpr(Position pos, std::string id)
      : Expr(Kind::Name, pos), id(std::move(id)) {}
  std::string id;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Name; }
};

/// A number literal; `text` is normalised (underscores removed).
class NumberExpr : public Expr {
public:
  NumberExpr(Kind kind, Position pos, std::string text)
      : Expr(kind, pos), text(std::move(text)) {}
  std::string text;
  static bool classof(const Expr *e) {
    return e->getKind() == Kind::Int || e->getKind() == Kind::Float ||
           e->getKind() == Kind::Imaginary;
  }
};

class StrExpr : public Expr {
public:
  StrExpr(Position pos, std::string value, bool isBytes, bool isFString)
      : Expr(Kind::Str, pos), value(std::move(value)), isBytes(isBytes),
        isFString(isFString) {}
  std::string value;
  bool isBytes;
  /// An f-string's value depends on run-time values: the evaluator treats it
  /// as unknown.
  bool isFString;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Str; }
};

class ConstantExpr : public Expr {
public:
  enum class Value { True, False, None, Ellipsis };
  ConstantExpr(Position pos, Value value)
      : Expr(Kind::Constant, pos), value(value) {}
  Value value;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Constant; }
};

/// Tuple, list and set displays.
class SequenceExpr : public Expr {
public:
  SequenceExpr(Kind kind, Position pos, std::vector<ExprPtr> elts)
      : Expr(kind, pos), elts(std::move(elts)) {}
  std::vector<ExprPtr> elts;
  static bool classof(const Expr *e) {
    return e->getKind() == Kind::Tuple || e->getKind() == Kind::List ||
           e->getKind() == Kind::Set;
  }
};

class DictExpr : public Expr {
public:
  explicit DictExpr(Position pos) : Expr(Kind::Dict, pos) {}
  /// A null key marks a `**mapping` entry.
  std::vector<ExprPtr> keys;
  std::vector<ExprPtr> values;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Dict; }
};

class StarredExpr : public Expr {
public:
  StarredExpr(Position pos, ExprPtr value)
      : Expr(Kind::Starred, pos), value(std::move(value)) {}
  ExprPtr value;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Starred; }
};

class AttributeExpr : public Expr {
public:
  AttributeExpr(Position pos, ExprPtr value, std::string attr)
      : Expr(Kind::Attribute, pos), value(std::move(value)),
        attr(std::move(attr)) {}
  ExprPtr value;
  std::string attr;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Attribute; }
};

class SubscriptExpr : public Expr {
public:
  SubscriptExpr(Position pos, ExprPtr value, ExprPtr index)
      : Expr(Kind::Subscript, pos), value(std::move(value)),
        index(std::move(index)) {}
  ExprPtr value;
  ExprPtr index; // a SliceExpr, a Tuple of indices/slices, or an expression
  static bool classof(const Expr *e) { return e->getKind() == Kind::Subscript; }
};

class SliceExpr : public Expr {
public:
  explicit SliceExpr(Position pos) : Expr(Kind::Slice, pos) {}
  ExprPtr lower, upper, step; // each may be null
  static bool classof(const Expr *e) { return e->getKind() == Kind::Slice; }
};

/// One argument of a call, as written.
struct CallArg {
  enum class Kind { Positional, Keyword, Star, DoubleStar };
  Kind kind = Kind::Positional;
  std::string keyword; // for Keyword
  Position keywordPos; // for Keyword: where the keyword is written
  ExprPtr value;
};

class CallExpr : public Expr {
public:
  CallExpr(Position pos, ExprPtr func)
      : Expr(Kind::Call, pos), func(std::move(func)) {}
  ExprPtr func;
  std::vector<CallArg> args;
  /// The position of the '(' (the call's own token, after the callee).
  Position parenPos;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Call; }
};

class UnaryExpr : public Expr {
public:
  UnaryExpr(Position pos, std::string op, ExprPtr operand)
      : Expr(Kind::Unary, pos), op(std::move(op)), operand(std::move(operand)) {
  }
  std::string op; // "-", "+", "~", "not"
  ExprPtr operand;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Unary; }
};

class BinaryExpr : public Expr {
public:
  BinaryExpr(Position pos, std::string op, ExprPtr lhs, ExprPtr rhs)
      : Expr(Kind::Binary, pos), op(std::move(op)), lhs(std::move(lhs)),
        rhs(std::move(rhs)) {}
  std::string op; // "+", "-", "*", "/", "//", "%", "**", "@", "<<", ...
  Position opPos;
  ExprPtr lhs, rhs;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Binary; }
};

class BoolOpExpr : public Expr {
public:
  BoolOpExpr(Position pos, bool isAnd)
      : Expr(Kind::BoolOp, pos), isAnd(isAnd) {}
  bool isAnd;
  std::vector<ExprPtr> values;
  static bool classof(const Expr *e) { return e->getKind() == Kind::BoolOp; }
};

class CompareExpr : public Expr {
public:
  CompareExpr(Position pos, ExprPtr left)
      : Expr(Kind::Compare, pos), left(std::move(left)) {}
  ExprPtr left;
  std::vector<std::string> ops; // "<", "==", "in", "not in", "is", "is not"
  std::vector<ExprPtr> comparators;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Compare; }
};

class IfExpr : public Expr {
public:
  IfExpr(Position pos, ExprPtr body, ExprPtr test, ExprPtr orelse)
      : Expr(Kind::IfExp, pos), body(std::move(body)), test(std::move(test)),
        orelse(std::move(orelse)) {}
  ExprPtr body, test, orelse;
  static bool classof(const Expr *e) { return e->getKind() == Kind::IfExp; }
};

/// A parameter of a `def` or `lambda`.
struct Param {
  enum class Kind { Normal, VarArgs, KwOnly, VarKwargs };
  Kind kind = Kind::Normal;
  std::string name;
  Position pos;
  ExprPtr annotation;   // may be null
  ExprPtr defaultValue; // may be null
};

class LambdaExpr : public Expr {
public:
  explicit LambdaExpr(Position pos) : Expr(Kind::Lambda, pos) {}
  std::vector<Param> params;
  ExprPtr body;
  static bool classof(const Expr *e) { return e->getKind() == Kind::Lambda; }
};

/// `for target in iter if cond ...` inside a comprehension.
struct ComprehensionFor {
  ExprPtr target;
  ExprPtr iter;
  std::vector<ExprPtr> ifs;
  bool isAsync = false;
};

class ComprehensionExpr : public Expr {
public:
  enum class Form { List, Set, Dict, Generator };
  ComprehensionExpr(Position pos, Form form)
      : Expr(Kind::Comprehension, pos), form(form) {}
  Form form;
  ExprPtr element; // the key for a dict comprehension
  ExprPtr value;   // dict comprehensions only
  std::vector<ComprehensionFor> generators;
  static bool classof(const Expr *e) {
    return e->getKind() == Kind::Comprehension;
  }
};

class NamedExpr : public Expr {
public:
  NamedExpr(Position pos, std::string target, ExprPtr value)
      : Expr(Kind::NamedExpr, pos), target(std::move(target)),
        value(std::move(value)) {}
  std::string target;
  ExprPtr value;
  static bool classof(const Expr *e) { return e->getKind() == Kind::NamedExpr; }
};

/// `await x`, `yield x`, `yield from x`: never evaluated.
class WrapperExpr : public Expr {
public:
  WrapperExpr(Kind kind, Position pos, ExprPtr value)
      : Expr(kind, pos), value(std::move(value)) {}
  ExprPtr value; // may be null for a bare `yield`
  bool isYieldFrom = false;
  static bool classof(const Expr *e) {
    return e->getKind() == Kind::Await || e->getKind() == Kind::Yield;
  }
};

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

class Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

class Stmt {
public:
  enum class Kind {
    Expr,
    Assign,
    AugAssign,
    AnnAssign,
    Import,
    ImportFrom,
    Pass,
    Break,
    Continue,
    Return,
    Raise,
    Assert,
    Delete,
    Global,
    Nonlocal,
    If,
    For,
    While,
    With,
    Try,
    Match,
    FunctionDef,
    ClassDef,
  };
  Stmt(Kind kind, Position pos) : kind(kind), pos(pos) {}
  virtual ~Stmt() = default;
  Kind getKind() const { return kind; }
  Position getPos() const { return pos; }

private:
  Kind kind;
  Position pos;
};

class ExprStmt : public Stmt {
public:
  ExprStmt(Position pos, ExprPtr value)
      : Stmt(Kind::Expr, pos), value(std::move(value)) {}
  ExprPtr value;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Expr; }
};

/// `a = b = value`: every target receives the value.
class AssignStmt : public Stmt {
public:
  explicit AssignStmt(Position pos) : Stmt(Kind::Assign, pos) {}
  std::vector<ExprPtr> targets;
  ExprPtr value;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Assign; }
};

class AugAssignStmt : public Stmt {
public:
  AugAssignStmt(Position pos, ExprPtr target, std::string op, ExprPtr value)
      : Stmt(Kind::AugAssign, pos), target(std::move(target)),
        op(std::move(op)), value(std::move(value)) {}
  ExprPtr target;
  std::string op; // the binary operator: "+" for "+="
  ExprPtr value;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::AugAssign; }
};

class AnnAssignStmt : public Stmt {
public:
  explicit AnnAssignStmt(Position pos) : Stmt(Kind::AnnAssign, pos) {}
  ExprPtr target, annotation;
  ExprPtr value; // may be null
  static bool classof(const Stmt *s) { return s->getKind() == Kind::AnnAssign; }
};

/// One `a.b.c as d` of an import, or `name as alias` of a from-import.
struct ImportAlias {
  std::string name;   // dotted for `import`
  std::string asName; // empty without `as`
  Position pos;
};

class ImportStmt : public Stmt {
public:
  explicit ImportStmt(Position pos) : Stmt(Kind::Import, pos) {}
  std::vector<ImportAlias> names;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Import; }
};

class ImportFromStmt : public Stmt {
public:
  explicit ImportFromStmt(Position pos) : Stmt(Kind::ImportFrom, pos) {}
  std::string module; // dotted, may be empty for `from . import x`
  unsigned level = 0; // number of leading dots
  bool isStar = false;
  std::vector<ImportAlias> names;
  static bool classof(const Stmt *s) {
    return s->getKind() == Kind::ImportFrom;
  }
};

/// pass, break, continue, global, nonlocal, raise, assert, del, return: the
/// evaluator needs little from them, so they share one node.
class SimpleStmt : public Stmt {
public:
  SimpleStmt(Kind kind, Position pos) : Stmt(kind, pos) {}
  std::vector<ExprPtr> exprs;     // return value, raise operands, del targets
  std::vector<std::string> names; // global / nonlocal names
  static bool classof(const Stmt *s) {
    switch (s->getKind()) {
    case Kind::Pass:
    case Kind::Break:
    case Kind::Continue:
    case Kind::Return:
    case Kind::Raise:
    case Kind::Assert:
    case Kind::Delete:
    case Kind::Global:
    case Kind::Nonlocal:
      return true;
    default:
      return false;
    }
  }
};

class IfStmt : public Stmt {
public:
  explicit IfStmt(Position pos) : Stmt(Kind::If, pos) {}
  ExprPtr test;
  Block body;
  Block orelse; // an `elif` is a nested IfStmt here
  static bool classof(const Stmt *s) { return s->getKind() == Kind::If; }
};

class ForStmt : public Stmt {
public:
  explicit ForStmt(Position pos) : Stmt(Kind::For, pos) {}
  ExprPtr target, iter;
  Block body, orelse;
  bool isAsync = false;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::For; }
};

class WhileStmt : public Stmt {
public:
  explicit WhileStmt(Position pos) : Stmt(Kind::While, pos) {}
  ExprPtr test;
  Block body, orelse;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::While; }
};

struct WithItem {
  ExprPtr context;
  ExprPtr target; // may be null
};

class WithStmt : public Stmt {
public:
  explicit WithStmt(Position pos) : Stmt(Kind::With, pos) {}
  std::vector<WithItem> items;
  Block body;
  bool isAsync = false;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::With; }
};

struct ExceptHandler {
  ExprPtr type; // may be null
  std::string name;
  Block body;
};

class TryStmt : public Stmt {
public:
  explicit TryStmt(Position pos) : Stmt(Kind::Try, pos) {}
  Block body;
  std::vector<ExceptHandler> handlers;
  Block orelse, finalbody;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Try; }
};

/// A match statement; its patterns are not kept (never evaluated).
class MatchStmt : public Stmt {
public:
  explicit MatchStmt(Position pos) : Stmt(Kind::Match, pos) {}
  ExprPtr subject;
  std::vector<Block> cases;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::Match; }
};

class FunctionDefStmt : public Stmt {
public:
  explicit FunctionDefStmt(Position pos) : Stmt(Kind::FunctionDef, pos) {}
  std::string name;
  std::vector<ExprPtr> decorators;
  std::vector<Param> params;
  ExprPtr returns; // may be null
  Block body;
  bool isAsync = false;
  static bool classof(const Stmt *s) {
    return s->getKind() == Kind::FunctionDef;
  }
};

class ClassDefStmt : public Stmt {
public:
  explicit ClassDefStmt(Position pos) : Stmt(Kind::ClassDef, pos) {}
  std::string name;
  std::vector<ExprPtr> decorators;
  std::vector<CallArg> bases;
  Block body;
  static bool classof(const Stmt *s) { return s->getKind() == Kind::ClassDef; }
};

/// A parsed file.
struct Module {
  Block body;
};

} // namespace py
} // namespace cnnc

#endif // CNNC_FRONTENDS_KERASPYTHON_AST_H
