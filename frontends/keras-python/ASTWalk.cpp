//===- ASTWalk.cpp - Walks over Python ASTs -------------------------------===//

#include "frontends/keras-python/ASTWalk.h"

#include "llvm/ADT/StringRef.h"

using namespace cnnc;
using namespace cnnc::py;
using llvm::cast;

void py::forEachExpr(const Expr &expr,
                     llvm::function_ref<void(const Expr &)> fn) {
  fn(expr);
  auto visit = [&](const ExprPtr &child) {
    if (child)
      forEachExpr(*child, fn);
  };
  switch (expr.getKind()) {
  case Expr::Kind::Tuple:
  case Expr::Kind::List:
  case Expr::Kind::Set:
    for (const ExprPtr &e : cast<SequenceExpr>(expr).elts)
      visit(e);
    break;
  case Expr::Kind::Dict: {
    const auto &dict = cast<DictExpr>(expr);
    for (const ExprPtr &e : dict.keys)
      visit(e);
    for (const ExprPtr &e : dict.values)
      visit(e);
    break;
  }
  case Expr::Kind::Starred:
    visit(cast<StarredExpr>(expr).value);
    break;
  case Expr::Kind::Attribute:
    visit(cast<AttributeExpr>(expr).value);
    break;
  case Expr::Kind::Subscript:
    visit(cast<SubscriptExpr>(expr).value);
    visit(cast<SubscriptExpr>(expr).index);
    break;
  case Expr::Kind::Slice: {
    const auto &slice = cast<SliceExpr>(expr);
    visit(slice.lower);
    visit(slice.upper);
    visit(slice.step);
    break;
  }
  case Expr::Kind::Call: {
    const auto &call = cast<CallExpr>(expr);
    visit(call.func);
    for (const CallArg &arg : call.args)
      visit(arg.value);
    break;
  }
  case Expr::Kind::Unary:
    visit(cast<UnaryExpr>(expr).operand);
    break;
  case Expr::Kind::Binary:
    visit(cast<BinaryExpr>(expr).lhs);
    visit(cast<BinaryExpr>(expr).rhs);
    break;
  case Expr::Kind::BoolOp:
    for (const ExprPtr &e : cast<BoolOpExpr>(expr).values)
      visit(e);
    break;
  case Expr::Kind::Compare:
    visit(cast<CompareExpr>(expr).left);
    for (const ExprPtr &e : cast<CompareExpr>(expr).comparators)
      visit(e);
    break;
  case Expr::Kind::IfExp:
    visit(cast<IfExpr>(expr).test);
    visit(cast<IfExpr>(expr).body);
    visit(cast<IfExpr>(expr).orelse);
    break;
  case Expr::Kind::Lambda:
    for (const Param &p : cast<LambdaExpr>(expr).params)
      visit(p.defaultValue);
    break;
  case Expr::Kind::Comprehension: {
    const auto &comp = cast<ComprehensionExpr>(expr);
    visit(comp.element);
    visit(comp.value);
    for (const ComprehensionFor &gen : comp.generators) {
      visit(gen.target);
      visit(gen.iter);
      for (const ExprPtr &e : gen.ifs)
        visit(e);
    }
    break;
  }
  case Expr::Kind::NamedExpr:
    visit(cast<NamedExpr>(expr).value);
    break;
  case Expr::Kind::Await:
  case Expr::Kind::Yield:
    visit(cast<WrapperExpr>(expr).value);
    break;
  default:
    break;
  }
}

/// Calls `onExpr` on each top-level expression of each statement and
/// `onStmt` on each statement, recursing into nested blocks except function
/// and class bodies.
static void walkBlock(const Block &block,
                      llvm::function_ref<void(const Expr &)> onExpr,
                      llvm::function_ref<void(const Stmt &)> onStmt) {
  auto expr = [&](const ExprPtr &e) {
    if (e)
      onExpr(*e);
  };
  for (const StmtPtr &stmt : block) {
    onStmt(*stmt);
    switch (stmt->getKind()) {
    case Stmt::Kind::Expr:
      expr(cast<ExprStmt>(*stmt).value);
      break;
    case Stmt::Kind::Assign:
      for (const ExprPtr &t : cast<AssignStmt>(*stmt).targets)
        expr(t);
      expr(cast<AssignStmt>(*stmt).value);
      break;
    case Stmt::Kind::AugAssign:
      expr(cast<AugAssignStmt>(*stmt).target);
      expr(cast<AugAssignStmt>(*stmt).value);
      break;
    case Stmt::Kind::AnnAssign:
      expr(cast<AnnAssignStmt>(*stmt).target);
      expr(cast<AnnAssignStmt>(*stmt).value);
      break;
    case Stmt::Kind::If: {
      const auto &s = cast<IfStmt>(*stmt);
      expr(s.test);
      walkBlock(s.body, onExpr, onStmt);
      walkBlock(s.orelse, onExpr, onStmt);
      break;
    }
    case Stmt::Kind::For: {
      const auto &s = cast<ForStmt>(*stmt);
      expr(s.target);
      expr(s.iter);
      walkBlock(s.body, onExpr, onStmt);
      walkBlock(s.orelse, onExpr, onStmt);
      break;
    }
    case Stmt::Kind::While: {
      const auto &s = cast<WhileStmt>(*stmt);
      expr(s.test);
      walkBlock(s.body, onExpr, onStmt);
      walkBlock(s.orelse, onExpr, onStmt);
      break;
    }
    case Stmt::Kind::With: {
      const auto &s = cast<WithStmt>(*stmt);
      for (const WithItem &item : s.items) {
        expr(item.context);
        expr(item.target);
      }
      walkBlock(s.body, onExpr, onStmt);
      break;
    }
    case Stmt::Kind::Try: {
      const auto &s = cast<TryStmt>(*stmt);
      walkBlock(s.body, onExpr, onStmt);
      for (const ExceptHandler &h : s.handlers) {
        expr(h.type);
        walkBlock(h.body, onExpr, onStmt);
      }
      walkBlock(s.orelse, onExpr, onStmt);
      walkBlock(s.finalbody, onExpr, onStmt);
      break;
    }
    case Stmt::Kind::Match: {
      const auto &s = cast<MatchStmt>(*stmt);
      expr(s.subject);
      for (const Block &b : s.cases)
        walkBlock(b, onExpr, onStmt);
      break;
    }
    case Stmt::Kind::FunctionDef:
      for (const ExprPtr &d : cast<FunctionDefStmt>(*stmt).decorators)
        expr(d);
      break;
    case Stmt::Kind::ClassDef:
      for (const ExprPtr &d : cast<ClassDefStmt>(*stmt).decorators)
        expr(d);
      break;
    default:
      if (const auto *simple = llvm::dyn_cast<SimpleStmt>(stmt.get()))
        for (const ExprPtr &e : simple->exprs)
          expr(e);
      break;
    }
  }
}

void py::forEachExprInBlock(const Block &block,
                            llvm::function_ref<void(const Expr &)> fn) {
  walkBlock(
      block, [&](const Expr &e) { forEachExpr(e, fn); }, [](const Stmt &) {});
}

/// The names an assignment target binds: `a`, `(a, *b)`, but not `a.b` or
/// `a[0]`, which bind nothing.
static void targetNames(const Expr &target, std::vector<std::string> &names) {
  if (const auto *name = llvm::dyn_cast<NameExpr>(&target))
    names.push_back(name->id);
  else if (const auto *seq = llvm::dyn_cast<SequenceExpr>(&target))
    for (const ExprPtr &e : seq->elts)
      targetNames(*e, names);
  else if (const auto *star = llvm::dyn_cast<StarredExpr>(&target))
    targetNames(*star->value, names);
}

void py::collectBoundNames(const Block &block,
                           std::vector<std::string> &names) {
  auto onStmt = [&](const Stmt &stmt) {
    auto target = [&](const ExprPtr &e) {
      if (e)
        targetNames(*e, names);
    };
    switch (stmt.getKind()) {
    case Stmt::Kind::Assign:
      for (const ExprPtr &t : cast<AssignStmt>(stmt).targets)
        target(t);
      break;
    case Stmt::Kind::AugAssign:
      target(cast<AugAssignStmt>(stmt).target);
      break;
    case Stmt::Kind::AnnAssign:
      target(cast<AnnAssignStmt>(stmt).target);
      break;
    case Stmt::Kind::For:
      target(cast<ForStmt>(stmt).target);
      break;
    case Stmt::Kind::With:
      for (const WithItem &item : cast<WithStmt>(stmt).items)
        target(item.target);
      break;
    case Stmt::Kind::Try:
      for (const ExceptHandler &h : cast<TryStmt>(stmt).handlers)
        if (!h.name.empty())
          names.push_back(h.name);
      break;
    case Stmt::Kind::Import:
      for (const ImportAlias &alias : cast<ImportStmt>(stmt).names)
        names.push_back(alias.asName.empty()
                            ? llvm::StringRef(alias.name).split('.').first.str()
                            : alias.asName);
      break;
    case Stmt::Kind::ImportFrom:
      for (const ImportAlias &alias : cast<ImportFromStmt>(stmt).names)
        names.push_back(alias.asName.empty() ? alias.name : alias.asName);
      break;
    case Stmt::Kind::FunctionDef:
      names.push_back(cast<FunctionDefStmt>(stmt).name);
      break;
    case Stmt::Kind::ClassDef:
      names.push_back(cast<ClassDefStmt>(stmt).name);
      break;
    default:
      break;
    }
  };
  walkBlock(
      block,
      [&](const Expr &e) {
        forEachExpr(e, [&](const Expr &sub) {
          if (const auto *named = llvm::dyn_cast<NamedExpr>(&sub))
            names.push_back(named->target);
        });
      },
      onStmt);
}

bool py::containsYield(const Block &body) {
  bool found = false;
  forEachExprInBlock(body, [&](const Expr &e) {
    if (e.getKind() == Expr::Kind::Yield)
      found = true;
  });
  return found;
}
